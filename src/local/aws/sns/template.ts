import { resolveArn } from '../../template-arns';
import { referencedLogicalId } from '../../template-refs';
import { resourcesOfType, type CfnTemplate } from '../../template';

export interface TemplateTopic {
  readonly logicalId: string;
  readonly name: string;
  readonly attributes: Map<string, string>;
  readonly tags: Map<string, string>;
  readonly subscriptions: { readonly protocol: string; readonly endpoint: string }[];
}

export interface TemplateSubscription {
  readonly logicalId: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly attributes: Map<string, string>;
}

export interface TemplateSns {
  readonly topics: TemplateTopic[];
  readonly subscriptions: TemplateSubscription[];
}

const asText = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
};

/** A property that is JSON either inline (an object) or as a string. */
const jsonText = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** Reads `AWS::SNS::Topic` (with inline `Subscription`) and `AWS::SNS::Subscription`, references resolved. */
export function readSnsTemplate(
  template: CfnTemplate,
  region: string,
  topicArnOf: (name: string) => string,
): TemplateSns {
  const topicArns = new Map<string, string>();
  const topics = resourcesOfType(template, 'AWS::SNS::Topic').map(([logicalId, resource]): TemplateTopic => {
    const p = resource.Properties ?? {};
    const fifo = asText(p.FifoTopic) === 'true';
    const name = asText(p.TopicName) ?? (fifo ? `${logicalId}.fifo` : logicalId);
    topicArns.set(logicalId, topicArnOf(name));
    const attributes = new Map<string, string>();
    if (fifo) attributes.set('FifoTopic', 'true');
    const contentBased = asText(p.ContentBasedDeduplication);
    if (contentBased !== undefined) attributes.set('ContentBasedDeduplication', contentBased);
    if (p.KmsMasterKeyId !== undefined) {
      attributes.set(
        'KmsMasterKeyId',
        asText(p.KmsMasterKeyId) ?? referencedLogicalId(p.KmsMasterKeyId) ?? '',
      );
    }
    const displayName = asText(p.DisplayName);
    if (displayName !== undefined) attributes.set('DisplayName', displayName);
    const tags = new Map<string, string>();
    if (Array.isArray(p.Tags)) {
      for (const tag of p.Tags as { Key?: unknown; Value?: unknown }[]) {
        const key = asText(tag.Key);
        if (key !== undefined) tags.set(key, asText(tag.Value) ?? '');
      }
    }
    const inline = Array.isArray(p.Subscription)
      ? (p.Subscription as { Endpoint?: unknown; Protocol?: unknown }[])
      : [];
    return {
      logicalId,
      name,
      attributes,
      tags,
      subscriptions: inline.map((subscription) => ({
        protocol: asText(subscription.Protocol) ?? '',
        endpoint: resolveArn(template, subscription.Endpoint, region),
      })),
    };
  });
  const topicArn = (value: unknown): string => {
    const id = referencedLogicalId(value);
    return (id === undefined ? undefined : topicArns.get(id)) ?? resolveArn(template, value, region);
  };
  const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').map(
    ([logicalId, resource]): TemplateSubscription => {
      const p = resource.Properties ?? {};
      const attributes = new Map<string, string>();
      const filterPolicy = jsonText(p.FilterPolicy);
      if (filterPolicy !== undefined) attributes.set('FilterPolicy', filterPolicy);
      const scope = asText(p.FilterPolicyScope);
      if (scope !== undefined) attributes.set('FilterPolicyScope', scope);
      const raw = asText(p.RawMessageDelivery);
      if (raw !== undefined) attributes.set('RawMessageDelivery', raw);
      if (p.RedrivePolicy !== undefined) {
        const policy =
          typeof p.RedrivePolicy === 'string'
            ? (JSON.parse(p.RedrivePolicy) as Record<string, unknown>)
            : (p.RedrivePolicy as Record<string, unknown>);
        attributes.set(
          'RedrivePolicy',
          JSON.stringify({
            ...policy,
            deadLetterTargetArn: resolveArn(template, policy.deadLetterTargetArn, region),
          }),
        );
      }
      const deliveryPolicy = jsonText(p.DeliveryPolicy);
      if (deliveryPolicy !== undefined) attributes.set('DeliveryPolicy', deliveryPolicy);
      return {
        logicalId,
        topicArn: topicArn(p.TopicArn),
        protocol: asText(p.Protocol) ?? '',
        endpoint: resolveArn(template, p.Endpoint, region),
        attributes,
      };
    },
  );
  return { topics, subscriptions };
}
