import { randomBytes, randomUUID } from 'node:crypto';
import { applyQueueAttributes, parseRedrivePolicy, type RedrivePolicy } from './attributes';
import { SqsError, invalidParameter } from './errors';
import { DEDUPLICATION_INTERVAL_MS, DeduplicationCache, SequenceNumbers } from './fifo';
import type { MessageAttributes } from './md5';
import type { PreparedMessage } from './message';
import { decodeReceipt, encodeReceipt } from './receipt';

export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A message in a queue, with its delivery state. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: MessageAttributes;
  readonly md5OfAttributes: string | undefined;
  readonly traceHeader: string | undefined;
  readonly senderId: string;
  readonly sentTimestamp: number;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
  readonly sequenceNumber: string | undefined;
  /** Set on messages a redrive policy moved here: the queue they came from. */
  readonly deadLetterSourceArn: string | undefined;
  /** What the retention period counts from. */
  readonly enqueuedAt: number;
  /** Before this instant the message is delayed. */
  readonly availableAt: number;
  /** Before this instant the message is in flight (received and not yet visible again). */
  inflightUntil: number;
  /** When the current in-flight period began (the 12-hour visibility cap counts from it). */
  inflightSince: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  /** Which receive the current receipt handle belongs to (0 = never received). */
  receiptNumber: number;
}

export interface Delivery {
  readonly message: StoredMessage;
  readonly receiptHandle: string;
}

export interface ReceiveOptions {
  readonly maxMessages: number;
  readonly visibilityTimeout: number;
  readonly attemptId?: string;
}

export interface DeadLetterTarget {
  readonly queue: SqsQueue;
  readonly maxReceiveCount: number;
}

export interface EnqueueResult {
  readonly messageId: string;
  readonly sequenceNumber: string | undefined;
  readonly duplicate: boolean;
}

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export interface QueueSettings {
  readonly visibilityTimeout: number;
  readonly delaySeconds: number;
  readonly retentionMs: number;
  readonly receiveWaitTimeSeconds: number;
  readonly maximumMessageSize: number;
  readonly redrivePolicy: RedrivePolicy | undefined;
  readonly contentBasedDeduplication: boolean;
  readonly deduplicationScope: string;
}

const readSettings = (attributes: ReadonlyMap<string, string>): QueueSettings => {
  const integer = (name: string, fallback: number) => Number(attributes.get(name) ?? fallback);
  return {
    visibilityTimeout: integer('VisibilityTimeout', 30),
    delaySeconds: integer('DelaySeconds', 0),
    retentionMs: integer('MessageRetentionPeriod', 345_600) * 1000,
    receiveWaitTimeSeconds: integer('ReceiveMessageWaitTimeSeconds', 0),
    maximumMessageSize: integer('MaximumMessageSize', 1_048_576),
    redrivePolicy: parseRedrivePolicy(attributes.get('RedrivePolicy')),
    contentBasedDeduplication: attributes.get('ContentBasedDeduplication') === 'true',
    deduplicationScope: attributes.get('DeduplicationScope') ?? 'queue',
  };
};

const isInFlight = (message: StoredMessage, now: number) => message.inflightUntil > now;
const isDelayed = (message: StoredMessage, now: number) => message.availableAt > now;
const isVisible = (message: StoredMessage, now: number) =>
  !isDelayed(message, now) && !isInFlight(message, now);

interface ReceiveAttempt {
  readonly expiresAt: number;
  readonly deliveries: readonly { readonly messageId: string; readonly receiptNumber: number }[];
}

/**
 * One queue: its messages in enqueue order, their visibility, FIFO group blocking, deduplication,
 * retention, and the wake-ups that long polls and in-process consumers wait on.
 */
export class SqsQueue {
  readonly messages = new Map<string, StoredMessage>();
  readonly tags = new Map<string, string>();
  readonly createdTimestamp: number;
  lastModifiedTimestamp: number;
  lastPurgeAt = Number.NEGATIVE_INFINITY;
  deleted = false;
  /** Changes whenever a queue of this name is (re)created; receipt handles carry it. */
  readonly incarnation = randomBytes(6).toString('hex');

  private currentSettings: QueueSettings;
  private readonly deduplication = new DeduplicationCache();
  private readonly sequence = new SequenceNumbers();
  private readonly attempts = new Map<string, ReceiveAttempt>();
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<() => void>();
  private wakeAt = Number.POSITIVE_INFINITY;
  private wakeTimer: NodeJS.Timeout | undefined;
  private notifyPending = false;
  private lastRetentionSweep = Number.NEGATIVE_INFINITY;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly fifo: boolean,
    readonly attributes: Map<string, string>,
    private readonly clock: () => number,
  ) {
    const now = clock();
    this.createdTimestamp = Math.floor(now / 1000);
    this.lastModifiedTimestamp = this.createdTimestamp;
    this.currentSettings = readSettings(attributes);
  }

  get settings(): QueueSettings {
    return this.currentSettings;
  }

  updateAttributes(changes: ReadonlyMap<string, string>): void {
    applyQueueAttributes(this.attributes, changes);
    this.currentSettings = readSettings(this.attributes);
    this.lastModifiedTimestamp = Math.floor(this.clock() / 1000);
  }

  // ---- sending -------------------------------------------------------------------------------

  enqueue(prepared: PreparedMessage, senderId: string, now: number): EnqueueResult {
    let dedupKey: string | undefined;
    if (this.fifo && prepared.dedupId !== undefined) {
      dedupKey = DeduplicationCache.key(this.settings.deduplicationScope, prepared.groupId, prepared.dedupId);
      const earlier = this.deduplication.find(dedupKey, now);
      if (earlier) return { ...earlier, duplicate: true };
    }
    const messageId = randomUUID();
    const sequenceNumber = this.fifo ? this.sequence.next() : undefined;
    const delayMs = (prepared.delaySeconds ?? this.settings.delaySeconds) * 1000;
    this.store({
      messageId,
      body: prepared.body,
      md5OfBody: prepared.md5OfBody,
      attributes: prepared.attributes,
      md5OfAttributes: prepared.md5OfAttributes,
      traceHeader: prepared.traceHeader,
      senderId,
      sentTimestamp: now,
      groupId: prepared.groupId,
      dedupId: this.fifo ? prepared.dedupId : undefined,
      sequenceNumber,
      deadLetterSourceArn: undefined,
      enqueuedAt: now,
      availableAt: now + delayMs,
      inflightUntil: 0,
      inflightSince: 0,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiptNumber: 0,
    });
    if (dedupKey !== undefined && sequenceNumber !== undefined) {
      this.deduplication.remember(dedupKey, { messageId, sequenceNumber }, now);
    }
    return { messageId, sequenceNumber, duplicate: false };
  }

  /**
   * Takes a message that exceeded its source queue's maxReceiveCount. It keeps its id, body,
   * attributes, group and receive count; a FIFO dead-letter queue gives it a new sequence number,
   * restarts its retention and uses its message id as deduplication id (as AWS documents).
   */
  acceptDeadLetter(message: StoredMessage, sourceArn: string, now: number): void {
    this.store({
      ...message,
      dedupId: this.fifo ? message.messageId : undefined,
      sequenceNumber: this.fifo ? this.sequence.next() : undefined,
      deadLetterSourceArn: sourceArn,
      enqueuedAt: this.fifo ? now : message.enqueuedAt,
      availableAt: now,
      inflightUntil: 0,
      inflightSince: 0,
    });
  }

  private store(message: StoredMessage): void {
    this.messages.set(message.messageId, message);
    if (message.availableAt > this.clock()) this.armWake(message.availableAt);
    else this.scheduleNotify();
  }

  // ---- receiving -----------------------------------------------------------------------------

  /**
   * Delivers up to `maxMessages` visible messages in enqueue order. A message that has already
   * been received maxReceiveCount times goes to the dead-letter queue instead of being delivered.
   * In a FIFO queue a group with a message in flight (or a delayed head) yields nothing, and a
   * group's messages are delivered in order; several messages of one group may come in one batch.
   */
  receive(options: ReceiveOptions, now: number, deadLetter?: DeadLetterTarget): Delivery[] {
    this.sweepExpired(now);
    if (this.fifo && options.attemptId !== undefined) {
      const replayed = this.replayAttempt(options.attemptId, options.visibilityTimeout, now);
      if (replayed) return replayed;
    }
    const blockedGroups = this.fifo ? this.inFlightGroups(now) : undefined;
    const deliveries: Delivery[] = [];
    for (const message of this.messages.values()) {
      if (deliveries.length >= options.maxMessages) break;
      const group = message.groupId ?? '';
      if (blockedGroups?.has(group)) continue;
      if (!isVisible(message, now)) {
        blockedGroups?.add(group);
        continue;
      }
      if (deadLetter && message.receiveCount >= deadLetter.maxReceiveCount) {
        this.messages.delete(message.messageId);
        deadLetter.queue.acceptDeadLetter(message, this.arn, now);
        continue;
      }
      deliveries.push(this.deliver(message, options.visibilityTimeout, now));
    }
    if (this.fifo && options.attemptId !== undefined && deliveries.length > 0) {
      this.attempts.set(options.attemptId, {
        expiresAt: now + DEDUPLICATION_INTERVAL_MS,
        deliveries: deliveries.map((d) => ({
          messageId: d.message.messageId,
          receiptNumber: d.message.receiptNumber,
        })),
      });
    }
    return deliveries;
  }

  private deliver(message: StoredMessage, visibilityTimeout: number, now: number): Delivery {
    message.receiveCount += 1;
    message.firstReceiveTimestamp ??= now;
    message.receiptNumber += 1;
    message.inflightSince = now;
    message.inflightUntil = now + visibilityTimeout * 1000;
    if (visibilityTimeout > 0) this.armWake(message.inflightUntil);
    return { message, receiptHandle: this.receiptHandle(message) };
  }

  private receiptHandle(message: StoredMessage): string {
    return encodeReceipt({
      queueName: this.name,
      incarnation: this.incarnation,
      messageId: message.messageId,
      receiveNumber: message.receiptNumber,
    });
  }

  /** A retried FIFO receive with the same ReceiveRequestAttemptId gets the same messages and handles. */
  private replayAttempt(attemptId: string, visibilityTimeout: number, now: number): Delivery[] | undefined {
    const attempt = this.attempts.get(attemptId);
    if (!attempt) return undefined;
    const messages: StoredMessage[] = [];
    for (const delivery of attempt.deliveries) {
      const message = this.messages.get(delivery.messageId);
      if (attempt.expiresAt <= now || !message || message.receiptNumber !== delivery.receiptNumber) {
        this.attempts.delete(attemptId);
        return undefined;
      }
      messages.push(message);
    }
    return messages.map((message) => {
      message.inflightUntil = now + visibilityTimeout * 1000;
      if (visibilityTimeout > 0) this.armWake(message.inflightUntil);
      return { message, receiptHandle: this.receiptHandle(message) };
    });
  }

  private inFlightGroups(now: number): Set<string> {
    const groups = new Set<string>();
    for (const message of this.messages.values()) {
      if (isInFlight(message, now)) groups.add(message.groupId ?? '');
    }
    return groups;
  }

  // ---- acting on receipts --------------------------------------------------------------------

  private messageFor(receiptHandle: string): { message: StoredMessage | undefined; receiveNumber: number } {
    const receipt = decodeReceipt(receiptHandle);
    if (!receipt || receipt.queueName !== this.name || receipt.incarnation !== this.incarnation) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
      );
    }
    return { message: this.messages.get(receipt.messageId), receiveNumber: receipt.receiveNumber };
  }

  /**
   * Deletes by receipt handle. A handle of an already deleted message is accepted. On a standard
   * queue, a handle from an earlier receive is accepted but does not delete the message (AWS: "the
   * request succeeds, but the message might not be deleted"); a FIFO queue rejects a handle whose
   * visibility timeout has passed.
   */
  deleteMessage(receiptHandle: string, now: number): void {
    const { message, receiveNumber } = this.messageFor(receiptHandle);
    if (!message) return;
    const current = message.receiptNumber === receiveNumber;
    if (this.fifo && (!current || !isInFlight(message, now))) {
      throw invalidParameter('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
    }
    if (!current) return;
    this.messages.delete(message.messageId);
    if (this.fifo) this.scheduleNotify();
  }

  changeVisibility(receiptHandle: string, visibilityTimeout: number, now: number): void {
    const { message, receiveNumber } = this.messageFor(receiptHandle);
    if (!message) {
      throw invalidParameter(
        'ReceiptHandle',
        receiptHandle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    if (message.receiptNumber !== receiveNumber || !isInFlight(message, now)) {
      if (this.fifo)
        throw invalidParameter('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
      throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.');
    }
    if ((now - message.inflightSince) / 1000 + visibilityTimeout > MAX_VISIBILITY_TIMEOUT_SECONDS) {
      throw invalidParameter(
        'VisibilityTimeout',
        visibilityTimeout,
        `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SECONDS} seconds]`,
      );
    }
    message.inflightUntil = now + visibilityTimeout * 1000;
    if (visibilityTimeout === 0) this.scheduleNotify();
    else this.armWake(message.inflightUntil);
  }

  // ---- whole-queue operations ----------------------------------------------------------------

  counts(now: number): QueueCounts {
    this.sweepExpired(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (isDelayed(message, now)) delayed += 1;
      else if (isInFlight(message, now)) inFlight += 1;
      else visible += 1;
    }
    return { visible, inFlight, delayed };
  }

  /** The oldest message that is neither delayed nor in flight (what a move task takes next). */
  oldestVisible(now: number): StoredMessage | undefined {
    this.sweepExpired(now);
    for (const message of this.messages.values()) {
      if (isVisible(message, now)) return message;
    }
    return undefined;
  }

  remove(messageId: string): void {
    if (this.messages.delete(messageId) && this.fifo) this.scheduleNotify();
  }

  purge(now: number): void {
    this.messages.clear();
    this.attempts.clear();
    this.lastPurgeAt = now;
  }

  private sweepExpired(now: number): void {
    if (now - this.lastRetentionSweep < 1_000) return;
    this.lastRetentionSweep = now;
    const retentionMs = this.settings.retentionMs;
    for (const [id, message] of this.messages) {
      if (message.enqueuedAt + retentionMs <= now) this.messages.delete(id);
    }
    for (const [id, attempt] of this.attempts) {
      if (attempt.expiresAt <= now) this.attempts.delete(id);
    }
  }

  // ---- wake-ups ------------------------------------------------------------------------------

  /** Calls `listener` (asynchronously, coalesced) whenever a message may have become receivable. */
  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Like onAvailable, for long polls: waiters run before listeners. */
  addWaiter(waiter: () => void): () => void {
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  scheduleNotify(): void {
    if (this.notifyPending || this.deleted) return;
    this.notifyPending = true;
    queueMicrotask(() => {
      this.notifyPending = false;
      for (const callback of [...this.waiters, ...this.listeners]) {
        try {
          callback();
        } catch (error) {
          process.emitWarning(`SQS queue ${this.name}: a message listener threw: ${String(error)}`);
        }
      }
    });
  }

  /** Wakes everyone one last time (a deleted queue ends its long polls) and stops the timer. */
  close(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
    for (const waiter of [...this.waiters]) waiter();
    this.waiters.clear();
    this.listeners.clear();
  }

  private armWake(at: number): void {
    if (this.deleted || at >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    const delay = Math.min(Math.max(0, at - this.clock()) + 1, MAX_TIMER_MS);
    this.wakeTimer = setTimeout(() => this.onWake(), delay);
    this.wakeTimer.unref();
  }

  private onWake(): void {
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
    const now = this.clock();
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.messages.values()) {
      if (message.availableAt > now) next = Math.min(next, message.availableAt);
      if (message.inflightUntil > now) next = Math.min(next, message.inflightUntil);
    }
    if (next < Number.POSITIVE_INFINITY) this.armWake(next);
    this.scheduleNotify();
  }
}
