import type { InputTransformer } from './input-transform';
import type { JsonObject } from '../shared/json-input';

/** A rule target in the API's shape (PutTargets, ListTargetsByRule, the template's Targets). */
export interface RuleTarget {
  readonly Id: string;
  readonly Arn: string;
  readonly RoleArn?: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: InputTransformer;
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly RetryPolicy?: {
    readonly MaximumRetryAttempts?: number;
    readonly MaximumEventAgeInSeconds?: number;
  };
  readonly DeadLetterConfig?: { readonly Arn?: string };
  /** Any other target parameters (EcsParameters, HttpParameters, ...) are kept and echoed, not used. */
  readonly [other: string]: unknown;
}

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface Rule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  eventPattern?: string;
  /** The parsed, validated pattern. */
  pattern?: JsonObject;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  readonly managedBy?: string;
  readonly targets: Map<string, RuleTarget>;
}

export interface EventBus {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly creationTime: number;
  readonly rules: Map<string, Rule>;
}

/** The event as rules, archives and targets see it. */
export interface EventEnvelope extends JsonObject {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: JsonObject;
  readonly 'replay-name'?: string;
}

export interface ArchivedEvent {
  readonly event: EventEnvelope;
  /** Epoch ms at which the event reached the bus. */
  readonly receivedAt: number;
}

export interface Archive {
  readonly name: string;
  readonly arn: string;
  readonly sourceArn: string;
  readonly busName: string;
  readonly eventPattern?: string;
  readonly pattern?: JsonObject;
  readonly description?: string;
  readonly retentionDays: number;
  readonly creationTime: number;
  readonly events: ArchivedEvent[];
}

export interface Replay {
  readonly name: string;
  readonly arn: string;
  readonly archiveArn: string;
  readonly description?: string;
  readonly destination: { readonly Arn: string; readonly FilterArns?: string[] };
  readonly eventStartTime: number;
  readonly eventEndTime: number;
  readonly startTime: number;
  state: 'STARTING' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  endTime?: number;
  lastReplayedEventTime?: number;
}

/** ISO-8601 to the second, as EventBridge writes `time`. */
export const eventTime = (epochMs: number): string =>
  new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventBridgeArns {
  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  private get prefix(): string {
    return `arn:aws:events:${this.region}:${this.accountId}`;
  }

  bus(name: string): string {
    return `${this.prefix}:event-bus/${name}`;
  }

  rule(busName: string, ruleName: string): string {
    return busName === 'default'
      ? `${this.prefix}:rule/${ruleName}`
      : `${this.prefix}:rule/${busName}/${ruleName}`;
  }

  archive(name: string): string {
    return `${this.prefix}:archive/${name}`;
  }

  replay(name: string): string {
    return `${this.prefix}:replay/${name}`;
  }
}

/** `orders` or `arn:aws:events:...:event-bus/orders` to `orders`. */
export const busNameOf = (nameOrArn: string | undefined): string => {
  if (nameOrArn === undefined || nameOrArn === '') return 'default';
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const marker = ':event-bus/';
  const at = nameOrArn.indexOf(marker);
  return at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn;
};
