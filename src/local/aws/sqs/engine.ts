import {
  QUEUE_ATTRIBUTE_NAMES,
  applyQueueAttributes,
  defaultAttributes,
  firstDifferingAttribute,
  isFifoOnlyAttribute,
  isKnownQueueAttribute,
  normaliseQueueAttributes,
  type AttributeContext,
} from './attributes';
import { SqsError, invalidParameter, queueDoesNotExist } from './errors';
import type { MessageAttributes } from './md5';
import { prepareMessage, type PreparedMessage, type SendInput } from './message';
import { MoveTasks, type MoveStep, type MoveTask } from './move-tasks';
import { SqsQueue, type DeadLetterTarget, type Delivery, type StoredMessage } from './queue';

export interface SqsEngineOptions {
  readonly region: string;
  readonly accountId: string;
  readonly clock: () => number;
  /** AWS allows one PurgeQueue per queue every 60 s; tests may lower it. */
  readonly purgeCooldownMs: number;
}

export interface ReceiveRequest {
  readonly maxMessages: number;
  readonly visibilityTimeout?: number;
  readonly waitTimeSeconds?: number;
  readonly attemptId?: string;
  readonly signal?: AbortSignal;
}

export interface SendResult {
  readonly messageId: string;
  readonly sequenceNumber: string | undefined;
  readonly md5OfMessageBody: string;
  readonly md5OfMessageAttributes: string | undefined;
  readonly md5OfMessageSystemAttributes: string | undefined;
  /** True when FIFO deduplication accepted the send without enqueueing it. */
  readonly duplicate: boolean;
}

const STANDARD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

/** The system attributes a received message can carry, by name. */
export const messageSystemAttributes = (message: StoredMessage): Record<string, string> => {
  const attributes: Record<string, string> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
  };
  if (message.sequenceNumber !== undefined) attributes.SequenceNumber = message.sequenceNumber;
  if (message.dedupId !== undefined) attributes.MessageDeduplicationId = message.dedupId;
  if (message.groupId !== undefined) attributes.MessageGroupId = message.groupId;
  if (message.traceHeader !== undefined) attributes.AWSTraceHeader = message.traceHeader;
  if (message.deadLetterSourceArn !== undefined)
    attributes.DeadLetterQueueSourceArn = message.deadLetterSourceArn;
  return attributes;
};

/** A stored message as a new message for another queue (what a redrive task sends). */
const asRedriven = (message: StoredMessage, fifo: boolean): PreparedMessage => ({
  body: message.body,
  md5OfBody: message.md5OfBody,
  attributes: message.attributes as MessageAttributes,
  md5OfAttributes: message.md5OfAttributes,
  traceHeader: message.traceHeader,
  md5OfSystemAttributes: undefined,
  groupId: message.groupId,
  dedupId: fifo ? (message.dedupId ?? message.messageId) : undefined,
  delaySeconds: undefined,
  size: 0,
});

/** All queues of one account and region, and the operations on them that both the wire and in-process callers use. */
export class SqsEngine {
  private readonly queues = new Map<string, SqsQueue>();
  private readonly pendingPolls = new Set<() => void>();
  readonly moveTasks: MoveTasks;
  private closed = false;

  constructor(readonly options: SqsEngineOptions) {
    this.moveTasks = new MoveTasks(options.clock, this.moveOne);
  }

  now(): number {
    return this.options.clock();
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.options.region}:${this.options.accountId}:${name}`;
  }

  urlOf(queue: SqsQueue, baseUrl: string): string {
    return `${baseUrl.replace(/\/+$/, '')}/${this.options.accountId}/${queue.name}`;
  }

  allQueues(): SqsQueue[] {
    return [...this.queues.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  queueByName(name: string, accountId = this.options.accountId): SqsQueue {
    const queue = accountId === this.options.accountId ? this.queues.get(name) : undefined;
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  findByArn(arn: string): SqsQueue | undefined {
    const prefix = this.arnOf('');
    return arn.startsWith(prefix) ? this.queues.get(arn.slice(prefix.length)) : undefined;
  }

  queueByArn(arn: string): SqsQueue {
    const queue = this.findByArn(arn);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  /** Resolves a QueueUrl by its path (`/<account>/<name>`), whatever host the caller used. */
  queueByUrl(queueUrl: string): SqsQueue {
    let path = queueUrl;
    try {
      path = new URL(queueUrl).pathname;
    } catch {
      // not absolute: take it as a path
    }
    const parts = path.split('/').filter((part) => part !== '');
    const name = parts.at(-1);
    const accountId = parts.at(-2);
    if (name === undefined || accountId === undefined) {
      throw new SqsError('InvalidAddress', `The address ${queueUrl} is not valid for this endpoint.`);
    }
    return this.queueByName(decodeURIComponent(name), accountId);
  }

  private attributeContext(fifo: boolean, creating: boolean, queueArn: string): AttributeContext {
    return { fifo, creating, queueArn, findQueue: (arn) => this.findByArn(arn) };
  }

  // ---- queues --------------------------------------------------------------------------------

  createQueue(
    name: string,
    attributes: Readonly<Record<string, string>> = {},
    tags: Readonly<Record<string, string>> = {},
  ): SqsQueue {
    const fifoAttribute = Object.entries(attributes).find(([key]) => key === 'FifoQueue')?.[1];
    const fifo = fifoAttribute?.trim().toLowerCase() === 'true';
    if (fifo && !FIFO_NAME.test(name)) {
      throw new SqsError(
        'InvalidParameterValue',
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
      );
    }
    if (!fifo && !STANDARD_NAME.test(name)) {
      throw new SqsError(
        'InvalidParameterValue',
        name.endsWith('.fifo')
          ? 'A queue whose name ends with .fifo must be created with the FifoQueue attribute set to true.'
          : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const arn = this.arnOf(name);
    const requested = normaliseQueueAttributes(attributes, this.attributeContext(fifo, true, arn));
    const existing = this.queues.get(name);
    if (existing) {
      const differing = firstDifferingAttribute(existing.attributes, requested);
      if (differing !== undefined) {
        throw new SqsError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute ${differing}`,
        );
      }
      return existing;
    }
    const stored = defaultAttributes(fifo);
    applyQueueAttributes(stored, requested);
    const queue = new SqsQueue(name, arn, fifo, stored, this.options.clock);
    for (const [key, value] of Object.entries(tags)) queue.tags.set(key, value);
    this.queues.set(name, queue);
    return queue;
  }

  deleteQueue(queue: SqsQueue): void {
    if (this.queues.get(queue.name) === queue) this.queues.delete(queue.name);
    queue.deleted = true;
    queue.close();
    this.moveTasks.queueDeleted(queue.arn);
  }

  setQueueAttributes(queue: SqsQueue, attributes: Readonly<Record<string, string>>): void {
    const changes = normaliseQueueAttributes(attributes, this.attributeContext(queue.fifo, false, queue.arn));
    queue.updateAttributes(changes);
  }

  getQueueAttributes(queue: SqsQueue, names: readonly string[]): Record<string, string> {
    for (const name of names) {
      if (name !== 'All' && !isKnownQueueAttribute(name)) {
        throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    const wanted = names.includes('All') ? QUEUE_ATTRIBUTE_NAMES : names;
    const counts = queue.counts(this.now());
    const computed: Record<string, string> = {
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(queue.createdTimestamp),
      LastModifiedTimestamp: String(queue.lastModifiedTimestamp),
      QueueArn: queue.arn,
    };
    const result: Record<string, string> = {};
    for (const name of wanted) {
      if (isFifoOnlyAttribute(name) && !queue.fifo) continue;
      const value = computed[name] ?? queue.attributes.get(name);
      if (value !== undefined) result[name] = value;
    }
    return result;
  }

  purgeQueue(queue: SqsQueue): void {
    const now = this.now();
    if (now - queue.lastPurgeAt < this.options.purgeCooldownMs) {
      throw new SqsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`,
      );
    }
    queue.purge(now);
  }

  deadLetterSourcesOf(queue: SqsQueue): SqsQueue[] {
    return this.allQueues().filter(
      (source) => source.settings.redrivePolicy?.deadLetterTargetArn === queue.arn,
    );
  }

  // ---- messages ------------------------------------------------------------------------------

  prepare(queue: SqsQueue, input: SendInput): PreparedMessage {
    return prepareMessage(input, {
      fifo: queue.fifo,
      contentBasedDeduplication: queue.settings.contentBasedDeduplication,
      maximumMessageSize: queue.settings.maximumMessageSize,
    });
  }

  enqueue(queue: SqsQueue, prepared: PreparedMessage, senderId: string): SendResult {
    const result = queue.enqueue(prepared, senderId, this.now());
    return {
      messageId: result.messageId,
      sequenceNumber: result.sequenceNumber,
      md5OfMessageBody: prepared.md5OfBody,
      md5OfMessageAttributes: prepared.md5OfAttributes,
      md5OfMessageSystemAttributes: prepared.md5OfSystemAttributes,
      duplicate: result.duplicate,
    };
  }

  send(queue: SqsQueue, input: SendInput, senderId: string): SendResult {
    return this.enqueue(queue, this.prepare(queue, input), senderId);
  }

  private deadLetterTarget(queue: SqsQueue): DeadLetterTarget | undefined {
    const policy = queue.settings.redrivePolicy;
    if (!policy) return undefined;
    const deadLetterQueue = this.findByArn(policy.deadLetterTargetArn);
    if (!deadLetterQueue || deadLetterQueue === queue) return undefined;
    return { queue: deadLetterQueue, maxReceiveCount: policy.maxReceiveCount };
  }

  private receiveNow(queue: SqsQueue, request: ReceiveRequest): Delivery[] {
    if (queue.deleted || this.closed) return [];
    return queue.receive(
      {
        maxMessages: request.maxMessages,
        visibilityTimeout: request.visibilityTimeout ?? queue.settings.visibilityTimeout,
        attemptId: request.attemptId,
      },
      this.now(),
      this.deadLetterTarget(queue),
    );
  }

  /**
   * Receives now, or long-polls: waits up to WaitTimeSeconds (the queue's
   * ReceiveMessageWaitTimeSeconds when absent) and returns as soon as anything is delivered. Ends
   * with nothing when the queue is deleted, the service closes or `signal` aborts.
   */
  receive(queue: SqsQueue, request: ReceiveRequest): Promise<Delivery[]> {
    const waitSeconds = request.waitTimeSeconds ?? queue.settings.receiveWaitTimeSeconds;
    const first = this.receiveNow(queue, request);
    if (first.length > 0 || waitSeconds === 0 || this.closed || request.signal?.aborted) {
      return Promise.resolve(first);
    }
    return new Promise((resolve) => {
      let settled = false;
      const finish = (deliveries: Delivery[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        removeWaiter();
        request.signal?.removeEventListener('abort', cancel);
        this.pendingPolls.delete(cancel);
        resolve(deliveries);
      };
      const cancel = () => finish([]);
      const removeWaiter = queue.addWaiter(() => {
        const deliveries = this.receiveNow(queue, request);
        if (deliveries.length > 0 || queue.deleted || this.closed) finish(deliveries);
      });
      const timer = setTimeout(cancel, waitSeconds * 1000);
      request.signal?.addEventListener('abort', cancel, { once: true });
      this.pendingPolls.add(cancel);
    });
  }

  // ---- message move tasks --------------------------------------------------------------------

  startMoveTask(sourceArn: string, destinationArn?: string, maxPerSecond?: number): MoveTask {
    const source = this.findByArn(sourceArn);
    if (!source) {
      throw new SqsError(
        'ResourceNotFoundException',
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    if (this.deadLetterSourcesOf(source).length === 0) {
      throw invalidParameter(
        'SourceArn',
        sourceArn,
        'Source queue must be configured as a Dead Letter Queue.',
      );
    }
    if (destinationArn !== undefined) {
      const destination = this.findByArn(destinationArn);
      if (!destination) {
        throw new SqsError(
          'ResourceNotFoundException',
          "The resource that you specified for the DestinationArn parameter doesn't exist.",
        );
      }
      if (destination === source) {
        throw invalidParameter(
          'DestinationArn',
          destinationArn,
          'Source and destination must be different queues.',
        );
      }
      if (destination.fifo !== source.fifo) {
        throw invalidParameter(
          'DestinationArn',
          destinationArn,
          'The destination queue must be of the same type as the source queue.',
        );
      }
    }
    const toMove = source.counts(this.now()).visible;
    return this.moveTasks.start(sourceArn, destinationArn, maxPerSecond, toMove);
  }

  private readonly moveOne: MoveStep = (task) => {
    const source = this.findByArn(task.sourceArn);
    if (!source) return { failure: 'AWS.SimpleQueueService.NonExistentQueue' };
    const now = this.now();
    const message = source.oldestVisible(now);
    if (!message) return 'empty';
    const destinationArn = task.destinationArn ?? message.deadLetterSourceArn;
    if (destinationArn === undefined) {
      return {
        failure: `Message ${message.messageId} was not moved here by a redrive policy, so it has no source queue; specify DestinationArn.`,
      };
    }
    const destination = this.findByArn(destinationArn);
    if (!destination) return { failure: 'AWS.SimpleQueueService.NonExistentQueue' };
    if (destination.fifo !== source.fifo) {
      return { failure: 'The destination queue must be of the same type as the source queue.' };
    }
    source.remove(message.messageId);
    destination.enqueue(asRedriven(message, destination.fifo), message.senderId, now);
    return 'moved';
  };

  // ---- lifecycle -----------------------------------------------------------------------------

  close(): void {
    this.closed = true;
    for (const cancel of [...this.pendingPolls]) cancel();
    for (const queue of this.queues.values()) queue.close();
    this.moveTasks.close();
  }
}
