import { SqsError, invalidParameter } from './errors';

/** Queue attribute names as the SQS model lists them (`All` aside). */
export const QUEUE_ATTRIBUTE_NAMES = [
  'Policy',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
  'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
] as const;

export type QueueAttributeName = (typeof QUEUE_ATTRIBUTE_NAMES)[number];

const KNOWN = new Set<string>(QUEUE_ATTRIBUTE_NAMES);
const READ_ONLY = new Set<string>([
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
]);
const FIFO_ONLY = new Set<string>([
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

export const isKnownQueueAttribute = (name: string): name is QueueAttributeName => KNOWN.has(name);
export const isFifoOnlyAttribute = (name: string): boolean => FIFO_ONLY.has(name);

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface RedriveAllowPolicy {
  readonly redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  readonly sourceQueueArns?: readonly string[];
}

/** What attribute validation needs to know about the queue being configured and its peers. */
export interface AttributeContext {
  readonly fifo: boolean;
  readonly creating: boolean;
  readonly queueArn: string;
  readonly findQueue: (
    arn: string,
  ) => { readonly fifo: boolean; readonly attributes: ReadonlyMap<string, string> } | undefined;
}

/** Stored attributes of a new queue before the caller's are applied. */
export const defaultAttributes = (fifo: boolean): Map<string, string> => {
  const attributes = new Map<string, string>([
    ['VisibilityTimeout', '30'],
    ['MaximumMessageSize', '1048576'],
    ['MessageRetentionPeriod', '345600'],
    ['DelaySeconds', '0'],
    ['ReceiveMessageWaitTimeSeconds', '0'],
    ['SqsManagedSseEnabled', 'true'],
  ]);
  if (fifo) {
    attributes.set('FifoQueue', 'true');
    attributes.set('ContentBasedDeduplication', 'false');
    attributes.set('DeduplicationScope', 'queue');
    attributes.set('FifoThroughputLimit', 'perQueue');
  }
  return attributes;
};

const invalidValue = (name: string, reason?: string): SqsError =>
  new SqsError(
    'InvalidAttributeValue',
    `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`,
  );

const integerIn = (name: string, value: string, min: number, max: number): string => {
  if (!/^\d+$/.test(value.trim())) throw invalidValue(name);
  const parsed = Number(value.trim());
  if (parsed < min || parsed > max) throw invalidValue(name);
  return String(parsed);
};

const booleanValue = (name: string, value: string): string => {
  const lower = value.trim().toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw invalidValue(name);
  return lower;
};

const oneOf = (name: string, value: string, allowed: readonly string[]): string => {
  if (!allowed.includes(value)) throw invalidValue(name);
  return value;
};

const parseJsonObject = (name: string, value: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidParameter(name, value, 'Invalid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter(name, value, 'Must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
};

export const parseRedrivePolicy = (value: string | undefined): RedrivePolicy | undefined => {
  if (!value) return undefined;
  const parsed = JSON.parse(value) as RedrivePolicy;
  return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: Number(parsed.maxReceiveCount) };
};

export const parseRedriveAllowPolicy = (value: string | undefined): RedriveAllowPolicy | undefined =>
  value ? (JSON.parse(value) as RedriveAllowPolicy) : undefined;

const normaliseRedrivePolicy = (value: string, context: AttributeContext): string => {
  if (value === '') return '';
  const parsed = parseJsonObject('RedrivePolicy', value);
  const target = parsed.deadLetterTargetArn;
  const rawCount = parsed.maxReceiveCount;
  const count = typeof rawCount === 'string' && /^\d+$/.test(rawCount) ? Number(rawCount) : rawCount;
  if (typeof target !== 'string' || target === '') {
    throw invalidParameter('RedrivePolicy', value, 'Redrive policy does not contain deadLetterTargetArn.');
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidParameter(
      'RedrivePolicy',
      value,
      'Invalid value for maxReceiveCount: must be an integer from 1 to 1000.',
    );
  }
  const unknown = Object.keys(parsed).filter(
    (key) => key !== 'deadLetterTargetArn' && key !== 'maxReceiveCount',
  );
  if (unknown.length > 0) {
    throw invalidParameter('RedrivePolicy', value, `Unknown field(s): ${unknown.join(', ')}.`);
  }
  const deadLetterQueue = context.findQueue(target);
  if (!deadLetterQueue) throw invalidParameter('RedrivePolicy', value, 'Dead letter target does not exist.');
  if (deadLetterQueue.fifo !== context.fifo) {
    throw invalidParameter(
      'RedrivePolicy',
      value,
      'Dead-letter queue must be same type of queue as the source.',
    );
  }
  const allow = parseRedriveAllowPolicy(deadLetterQueue.attributes.get('RedriveAllowPolicy'));
  if (
    allow &&
    (allow.redrivePermission === 'denyAll' ||
      (allow.redrivePermission === 'byQueue' && !(allow.sourceQueueArns ?? []).includes(context.queueArn)))
  ) {
    throw invalidParameter(
      'RedrivePolicy',
      value,
      `Queue ${target} does not allow this queue as its dead-letter source (RedriveAllowPolicy).`,
    );
  }
  return JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount: count });
};

const normaliseRedriveAllowPolicy = (value: string): string => {
  if (value === '') return '';
  const parsed = parseJsonObject('RedriveAllowPolicy', value);
  const permission = parsed.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw invalidParameter(
      'RedriveAllowPolicy',
      value,
      'redrivePermission must be one of allowAll, denyAll, byQueue.',
    );
  }
  const arns = parsed.sourceQueueArns;
  if (permission !== 'byQueue') {
    if (arns !== undefined) {
      throw invalidParameter(
        'RedriveAllowPolicy',
        value,
        'sourceQueueArns can be specified only when redrivePermission is byQueue.',
      );
    }
    return JSON.stringify({ redrivePermission: permission });
  }
  if (
    !Array.isArray(arns) ||
    arns.length < 1 ||
    arns.length > 10 ||
    !arns.every((arn) => typeof arn === 'string' && arn.startsWith('arn:'))
  ) {
    throw invalidParameter(
      'RedriveAllowPolicy',
      value,
      'byQueue needs sourceQueueArns: a list of 1 to 10 queue ARNs.',
    );
  }
  return JSON.stringify({ redrivePermission: permission, sourceQueueArns: arns });
};

const normaliseOne = (name: string, value: string, context: AttributeContext): string | undefined => {
  switch (name) {
    case 'DelaySeconds':
      return integerIn(name, value, 0, 900);
    case 'MaximumMessageSize':
      return integerIn(name, value, 1024, 1_048_576);
    case 'MessageRetentionPeriod':
      return integerIn(name, value, 60, 1_209_600);
    case 'ReceiveMessageWaitTimeSeconds':
      return integerIn(name, value, 0, 20);
    case 'VisibilityTimeout':
      return integerIn(name, value, 0, 43_200);
    case 'KmsDataKeyReusePeriodSeconds':
      return integerIn(name, value, 60, 86_400);
    case 'SqsManagedSseEnabled':
      return booleanValue(name, value);
    case 'KmsMasterKeyId':
      return value;
    case 'Policy':
      if (value !== '') parseJsonObject(name, value);
      return value;
    case 'RedrivePolicy':
      return normaliseRedrivePolicy(value, context);
    case 'RedriveAllowPolicy':
      return normaliseRedriveAllowPolicy(value);
    case 'FifoQueue': {
      const fifo = booleanValue(name, value);
      if (!context.creating) throw invalidValue(name, 'Modifying the queue type is not supported.');
      // FifoQueue=false on a standard queue is accepted and, as on AWS, not echoed back.
      return fifo === 'true' ? fifo : undefined;
    }
    case 'ContentBasedDeduplication':
      return booleanValue(name, value);
    case 'DeduplicationScope':
      return oneOf(name, value, ['queue', 'messageGroup']);
    case 'FifoThroughputLimit':
      return oneOf(name, value, ['perQueue', 'perMessageGroupId']);
    default:
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
  }
};

/**
 * Validates attributes for CreateQueue or SetQueueAttributes and returns them normalised (numbers
 * without padding, booleans in lower case, JSON policies re-serialised). An empty string for a
 * policy means "remove it".
 */
export const normaliseQueueAttributes = (
  input: Readonly<Record<string, string>>,
  context: AttributeContext,
): Map<string, string> => {
  const result = new Map<string, string>();
  for (const [name, value] of Object.entries(input)) {
    if (!KNOWN.has(name) || READ_ONLY.has(name)) {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    if (FIFO_ONLY.has(name) && !context.fifo && !(name === 'FifoQueue' && context.creating)) {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    const normalised = normaliseOne(name, value, context);
    if (normalised !== undefined) result.set(name, normalised);
  }
  const scope = result.get('DeduplicationScope');
  const limit = result.get('FifoThroughputLimit');
  if (limit === 'perMessageGroupId' && scope === 'queue') {
    throw invalidValue(
      'FifoThroughputLimit',
      'perMessageGroupId is allowed only with DeduplicationScope messageGroup.',
    );
  }
  return result;
};

/** Applies normalised attributes to stored ones; empty policy values remove the attribute. */
export const applyQueueAttributes = (
  stored: Map<string, string>,
  changes: ReadonlyMap<string, string>,
): void => {
  for (const [name, value] of changes) {
    if (
      value === '' &&
      (name === 'RedrivePolicy' ||
        name === 'RedriveAllowPolicy' ||
        name === 'Policy' ||
        name === 'KmsMasterKeyId')
    ) {
      stored.delete(name);
    } else {
      stored.set(name, value);
    }
  }
  if (changes.has('KmsMasterKeyId') && changes.get('KmsMasterKeyId') !== '') {
    if (!changes.has('SqsManagedSseEnabled')) stored.set('SqsManagedSseEnabled', 'false');
    if (!stored.has('KmsDataKeyReusePeriodSeconds')) stored.set('KmsDataKeyReusePeriodSeconds', '300');
  }
};

/** The first attribute whose requested value differs from the stored one, for CreateQueue's idempotency. */
export const firstDifferingAttribute = (
  stored: ReadonlyMap<string, string>,
  requested: ReadonlyMap<string, string>,
): string | undefined => {
  for (const [name, value] of requested) {
    if ((stored.get(name) ?? '') !== value) return name;
  }
  return undefined;
};
