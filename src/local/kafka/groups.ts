import { randomUUID } from 'node:crypto';
import { KafkaErrorCode } from './errors';

/**
 * The group coordinator (Kafka's classic consumer-group protocol) and the committed offsets. One broker is
 * every group's coordinator. States follow Kafka's GroupCoordinator: Empty → PreparingRebalance (members
 * rejoin) → CompletingRebalance (the leader's SyncGroup carries the assignment) → Stable; a join, a leave or
 * a missed session timeout starts the next rebalance. Kafka's initial rebalance delay is left out: the first
 * joiner completes at once and later joiners trigger a rebalance, which clients handle as they do in the cloud.
 */

export interface JoinRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly { readonly name: string; readonly metadata: Buffer }[];
}

export interface JoinResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leader: string;
  readonly memberId: string;
  readonly members: readonly { readonly memberId: string; readonly metadata: Buffer }[];
}

export interface SyncResult {
  readonly errorCode: number;
  readonly assignment: Buffer;
}

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
}

type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

interface Member {
  readonly id: string;
  clientId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: JoinRequest['protocols'];
  assignment: Buffer;
  sessionTimer?: NodeJS.Timeout;
  pendingJoin?: (result: JoinResult) => void;
  pendingSync?: (result: SyncResult) => void;
}

const EMPTY = Buffer.alloc(0);

const joinError = (errorCode: number, memberId: string): JoinResult => ({
  errorCode,
  generationId: -1,
  protocolName: '',
  leader: '',
  memberId,
  members: [],
});

class Group {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType = '';
  protocolName = '';
  leader = '';
  readonly members = new Map<string, Member>();
  readonly offsets = new Map<string, CommittedOffset>();
  rebalanceTimer?: NodeJS.Timeout;

  constructor(readonly id: string) {}

  join(request: JoinRequest): Promise<JoinResult> {
    if (this.members.size > 0 && this.protocolType !== request.protocolType) {
      return Promise.resolve(joinError(KafkaErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId));
    }
    let member: Member | undefined;
    if (request.memberId === '') {
      member = {
        id: `${request.clientId || 'member'}-${randomUUID()}`,
        clientId: request.clientId,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocols: request.protocols,
        assignment: EMPTY,
      };
      this.members.set(member.id, member);
    } else {
      member = this.members.get(request.memberId);
      if (!member) return Promise.resolve(joinError(KafkaErrorCode.UNKNOWN_MEMBER_ID, request.memberId));
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
      member.protocols = request.protocols;
    }
    this.protocolType = request.protocolType;
    // A member waiting in JoinGroup cannot heartbeat; the rebalance timeout bounds its wait instead.
    clearTimeout(member.sessionTimer);
    const joined = member;
    const result = new Promise<JoinResult>((resolve) => {
      joined.pendingJoin?.(joinError(KafkaErrorCode.REBALANCE_IN_PROGRESS, joined.id));
      joined.pendingJoin = resolve;
    });
    if (this.state !== 'PreparingRebalance') this.prepareRebalance();
    this.tryCompleteJoin();
    return result;
  }

  private prepareRebalance(): void {
    this.state = 'PreparingRebalance';
    for (const member of this.members.values()) {
      member.pendingSync?.({ errorCode: KafkaErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.pendingSync = undefined;
    }
    const timeout = Math.max(1, ...[...this.members.values()].map((member) => member.rebalanceTimeoutMs));
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => this.completeJoin(), timeout);
    this.rebalanceTimer.unref();
  }

  private tryCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    for (const member of this.members.values()) if (!member.pendingJoin) return;
    this.completeJoin();
  }

  /** Members that did not rejoin in time are dropped; the rest get the new generation. */
  private completeJoin(): void {
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
    for (const member of [...this.members.values()]) {
      if (!member.pendingJoin) this.drop(member);
    }
    this.generation += 1;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.leader = '';
      return;
    }
    const members = [...this.members.values()];
    const first = members[0] as Member;
    const chosen = first.protocols.find((protocol) =>
      members.every((member) => member.protocols.some((candidate) => candidate.name === protocol.name)),
    );
    if (!chosen) {
      for (const member of members) {
        member.pendingJoin?.(joinError(KafkaErrorCode.INCONSISTENT_GROUP_PROTOCOL, member.id));
        this.drop(member);
      }
      this.state = 'Empty';
      return;
    }
    this.protocolName = chosen.name;
    if (!this.members.has(this.leader)) this.leader = first.id;
    this.state = 'CompletingRebalance';
    const roster = members.map((member) => ({
      memberId: member.id,
      metadata: member.protocols.find((protocol) => protocol.name === chosen.name)?.metadata ?? EMPTY,
    }));
    for (const member of members) {
      const resolve = member.pendingJoin;
      member.pendingJoin = undefined;
      this.touch(member);
      resolve?.({
        errorCode: KafkaErrorCode.NONE,
        generationId: this.generation,
        protocolName: chosen.name,
        leader: this.leader,
        memberId: member.id,
        members: member.id === this.leader ? roster : [],
      });
    }
  }

  sync(
    generation: number,
    memberId: string,
    assignments: readonly { memberId: string; assignment: Buffer }[],
  ): Promise<SyncResult> {
    const member = this.members.get(memberId);
    const fail = (errorCode: number) => Promise.resolve({ errorCode, assignment: EMPTY });
    if (!member) return fail(KafkaErrorCode.UNKNOWN_MEMBER_ID);
    if (generation !== this.generation) return fail(KafkaErrorCode.ILLEGAL_GENERATION);
    if (this.state === 'PreparingRebalance') return fail(KafkaErrorCode.REBALANCE_IN_PROGRESS);
    this.touch(member);
    if (this.state === 'Stable')
      return Promise.resolve({ errorCode: KafkaErrorCode.NONE, assignment: member.assignment });
    const result = new Promise<SyncResult>((resolve) => {
      member.pendingSync = resolve;
    });
    if (memberId === this.leader) {
      const byMember = new Map(assignments.map((entry) => [entry.memberId, entry.assignment]));
      this.state = 'Stable';
      for (const each of this.members.values()) {
        each.assignment = byMember.get(each.id) ?? EMPTY;
        const resolve = each.pendingSync;
        each.pendingSync = undefined;
        resolve?.({ errorCode: KafkaErrorCode.NONE, assignment: each.assignment });
      }
    }
    return result;
  }

  heartbeat(generation: number, memberId: string): number {
    const member = this.members.get(memberId);
    if (!member) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    this.touch(member);
    if (this.state === 'PreparingRebalance') return KafkaErrorCode.REBALANCE_IN_PROGRESS;
    if (generation !== this.generation) return KafkaErrorCode.ILLEGAL_GENERATION;
    return KafkaErrorCode.NONE;
  }

  leave(memberId: string): number {
    const member = this.members.get(memberId);
    if (!member) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    member.pendingJoin?.(joinError(KafkaErrorCode.UNKNOWN_MEMBER_ID, member.id));
    this.drop(member);
    this.afterDeparture();
    return KafkaErrorCode.NONE;
  }

  /** Kafka accepts a commit from the current generation while Stable or PreparingRebalance. */
  commitAllowed(generation: number, memberId: string): number {
    // A commit outside any group membership (generation -1), as kcat's and admin tools' are.
    if (generation < 0 && memberId === '') return KafkaErrorCode.NONE;
    const member = this.members.get(memberId);
    if (!member) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== this.generation) return KafkaErrorCode.ILLEGAL_GENERATION;
    if (this.state === 'CompletingRebalance') return KafkaErrorCode.REBALANCE_IN_PROGRESS;
    this.touch(member);
    return KafkaErrorCode.NONE;
  }

  private afterDeparture(): void {
    if (this.members.size === 0) {
      clearTimeout(this.rebalanceTimer);
      this.generation += 1;
      this.state = 'Empty';
      this.leader = '';
      return;
    }
    if (this.state === 'PreparingRebalance') this.tryCompleteJoin();
    else this.prepareRebalance();
  }

  private drop(member: Member): void {
    clearTimeout(member.sessionTimer);
    this.members.delete(member.id);
  }

  /** A member that neither heartbeats nor commits within its session timeout is gone. */
  private touch(member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      if (this.members.get(member.id) !== member || member.pendingJoin) return;
      this.drop(member);
      this.afterDeparture();
    }, member.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  close(): void {
    clearTimeout(this.rebalanceTimer);
    for (const member of this.members.values()) {
      clearTimeout(member.sessionTimer);
      member.pendingJoin?.(joinError(KafkaErrorCode.COORDINATOR_NOT_AVAILABLE, member.id));
      member.pendingSync?.({ errorCode: KafkaErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
    }
  }
}

const offsetKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  private group(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = new Group(id);
      this.groups.set(id, group);
    }
    return group;
  }

  join(request: JoinRequest): Promise<JoinResult> {
    if (request.groupId === '')
      return Promise.resolve(joinError(KafkaErrorCode.INVALID_GROUP_ID, request.memberId));
    if (request.sessionTimeoutMs < 1000 || request.sessionTimeoutMs > 1_800_000) {
      return Promise.resolve(joinError(KafkaErrorCode.INVALID_SESSION_TIMEOUT, request.memberId));
    }
    return this.group(request.groupId).join(request);
  }

  sync(
    groupId: string,
    generation: number,
    memberId: string,
    assignments: readonly { memberId: string; assignment: Buffer }[],
  ): Promise<SyncResult> {
    const group = this.groups.get(groupId);
    if (!group) return Promise.resolve({ errorCode: KafkaErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    return group.sync(generation, memberId, assignments);
  }

  heartbeat(groupId: string, generation: number, memberId: string): number {
    return this.groups.get(groupId)?.heartbeat(generation, memberId) ?? KafkaErrorCode.UNKNOWN_MEMBER_ID;
  }

  leave(groupId: string, memberId: string): number {
    return this.groups.get(groupId)?.leave(memberId) ?? KafkaErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** Checks the committer, then stores every offset; the per-partition error is the check's. */
  commit(
    groupId: string,
    generation: number,
    memberId: string,
    offsets: readonly { topic: string; partition: number; offset: number; metadata: string | null }[],
  ): number {
    if (groupId === '') return KafkaErrorCode.INVALID_GROUP_ID;
    const group = this.group(groupId);
    const errorCode = group.commitAllowed(generation, memberId);
    if (errorCode !== KafkaErrorCode.NONE) return errorCode;
    for (const entry of offsets) {
      group.offsets.set(offsetKey(entry.topic, entry.partition), {
        offset: entry.offset,
        metadata: entry.metadata,
      });
    }
    return KafkaErrorCode.NONE;
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.offsets.get(offsetKey(topic, partition));
  }

  /** Every committed offset of a group, for OffsetFetch with a null topic list. */
  allCommitted(groupId: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const group = this.groups.get(groupId);
    if (!group) return [];
    return [...group.offsets.entries()].map(([key, committed]) => {
      const [topic, partition] = key.split('\u0000') as [string, string];
      return { topic, partition: Number(partition), committed };
    });
  }

  close(): void {
    for (const group of this.groups.values()) group.close();
  }
}
