import { validateFilterPolicy, type FilterPolicyScope } from '../../matching/filter-policy';
import { invalidParameter } from './message';

export interface Topic {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  /** DisplayName, KmsMasterKeyId, ContentBasedDeduplication, Policy, DeliveryPolicy, ... as set. */
  readonly attributes: Map<string, string>;
  readonly tags: Map<string, string>;
  readonly subscriptions: Set<string>;
  /** FIFO deduplication: id to the first publish's answer and when the 5-minute window ends. */
  readonly deduplication: Map<
    string,
    { readonly messageId: string; readonly sequenceNumber?: string; readonly until: number }
  >;
  sequence: bigint;
}

export type SubscriptionProtocol = 'sqs' | 'lambda';

export interface Subscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: SubscriptionProtocol;
  readonly endpoint: string;
  rawMessageDelivery: boolean;
  filterPolicy?: object;
  filterPolicyText?: string;
  filterPolicyScope: FilterPolicyScope;
  deadLetterTargetArn?: string;
  redrivePolicyText?: string;
  /** Other attributes kept as given: DeliveryPolicy, SubscriptionRoleArn, ReplayPolicy. */
  readonly extra: Map<string, string>;
}

export const SUBSCRIPTION_ATTRIBUTES: ReadonlySet<string> = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

const parseJson = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameter(`${what}: failed to parse JSON.`);
  }
};

/**
 * Sets one subscription attribute the way Subscribe and SetSubscriptionAttributes do, validating it
 * (InvalidParameter). `FilterPolicyScope` re-validates the policy already set.
 */
export function setSubscriptionAttribute(subscription: Subscription, name: string, value: string): void {
  switch (name) {
    case 'FilterPolicy': {
      if (value.trim() === '') {
        subscription.filterPolicy = undefined;
        subscription.filterPolicyText = undefined;
        return;
      }
      const policy = parseJson(value, 'FilterPolicy');
      validateFilterPolicy(policy, subscription.filterPolicyScope);
      subscription.filterPolicy = policy as object;
      subscription.filterPolicyText = value;
      return;
    }
    case 'FilterPolicyScope': {
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(
          'FilterPolicyScope: Invalid filter policy scope, please specify a valid filter policy scope MessageAttributes|MessageBody',
        );
      }
      if (subscription.filterPolicy !== undefined) validateFilterPolicy(subscription.filterPolicy, value);
      subscription.filterPolicyScope = value;
      return;
    }
    case 'RawMessageDelivery': {
      const lowered = value.toLowerCase();
      if (lowered !== 'true' && lowered !== 'false')
        throw invalidParameter('RawMessageDelivery: Invalid value [' + value + ']');
      if (lowered === 'true' && subscription.protocol === 'lambda') {
        throw invalidParameter(
          'Attributes Reason: Delivery protocol [lambda] does not support raw message delivery.',
        );
      }
      subscription.rawMessageDelivery = lowered === 'true';
      return;
    }
    case 'RedrivePolicy': {
      if (value.trim() === '') {
        subscription.deadLetterTargetArn = undefined;
        subscription.redrivePolicyText = undefined;
        return;
      }
      const policy = parseJson(value, 'RedrivePolicy');
      const arn =
        typeof policy === 'object' && policy !== null
          ? (policy as { deadLetterTargetArn?: unknown }).deadLetterTargetArn
          : undefined;
      if (typeof arn !== 'string' || !/^arn:aws:sqs:[^:]*:[^:]*:[^:]+$/.test(arn)) {
        throw invalidParameter('RedrivePolicy: deadLetterTargetArn is an invalid arn');
      }
      subscription.deadLetterTargetArn = arn;
      subscription.redrivePolicyText = value;
      return;
    }
    default:
      if (!SUBSCRIPTION_ATTRIBUTES.has(name)) throw invalidParameter(`AttributeName`);
      subscription.extra.set(name, value);
  }
}

/** Applies attributes in an order that lets FilterPolicyScope govern FilterPolicy's validation. */
export function setSubscriptionAttributes(
  subscription: Subscription,
  attributes: ReadonlyMap<string, string>,
): void {
  for (const name of attributes.keys()) {
    if (!SUBSCRIPTION_ATTRIBUTES.has(name))
      throw invalidParameter(`Attributes Reason: Unknown attribute ${name}`);
  }
  const scope = attributes.get('FilterPolicyScope');
  if (scope !== undefined) setSubscriptionAttribute(subscription, 'FilterPolicyScope', scope);
  for (const [name, value] of attributes) {
    if (name !== 'FilterPolicyScope') setSubscriptionAttribute(subscription, name, value);
  }
}

/** GetSubscriptionAttributes' view. */
export function subscriptionAttributes(subscription: Subscription, owner: string): [string, string][] {
  const entries: [string, string][] = [
    ['Owner', owner],
    ['RawMessageDelivery', String(subscription.rawMessageDelivery)],
    ['TopicArn', subscription.topicArn],
    ['Endpoint', subscription.endpoint],
    ['Protocol', subscription.protocol],
    ['PendingConfirmation', 'false'],
    ['ConfirmationWasAuthenticated', 'true'],
    ['SubscriptionArn', subscription.arn],
  ];
  if (subscription.filterPolicyText !== undefined) {
    entries.push(
      ['FilterPolicy', subscription.filterPolicyText],
      ['FilterPolicyScope', subscription.filterPolicyScope],
    );
  }
  if (subscription.redrivePolicyText !== undefined)
    entries.push(['RedrivePolicy', subscription.redrivePolicyText]);
  for (const [name, value] of subscription.extra) entries.push([name, value]);
  return entries;
}
