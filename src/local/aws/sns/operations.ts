import { AwsServiceError, type AwsResponse } from '../protocol';
import { notFound, TOPIC_ATTRIBUTES, type PublishInput, type SnsEngine } from './engine';
import { invalidParameter, messageSize, readMessageAttributes, SNS_LIMITS } from './message';
import { setSubscriptionAttribute, subscriptionAttributes, type Subscription } from './model';
import type { QueryNode } from './query';
import { element, entryMap, memberList, queryResponse } from './xml';

/** One SNS action: the request's query parameters in, the XML answer out (or an AwsServiceError). */
export type Operation = (engine: SnsEngine, query: QueryNode) => AwsResponse;

const PAGE_SIZE = 100;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

const publishInputOf = (node: QueryNode, topicArn: string): PublishInput => {
  return {
    topicArn,
    message: node.get('Message') ?? '',
    subject: node.get('Subject'),
    messageStructure: node.get('MessageStructure'),
    messageAttributes: readMessageAttributes(node),
    messageGroupId: node.get('MessageGroupId'),
    messageDeduplicationId: node.get('MessageDeduplicationId'),
  };
};

const PublishBatch: Operation = (engine, query) => {
  const topicArn = requiredArn(query, 'TopicArn');
  const entries = query.indexed('PublishBatchRequestEntries', 'member');
  if (entries.length === 0) {
    throw new AwsServiceError('EmptyBatchRequest', "The batch request doesn't contain any entries");
  }
  if (entries.length > SNS_LIMITS.maxBatchEntries) {
    throw new AwsServiceError(
      'TooManyEntriesInBatchRequest',
      'The batch request contains more entries than permissible.',
    );
  }
  const ids = entries.map((entry) => entry.get('Id') ?? '');
  if (ids.some((id) => !BATCH_ID.test(id))) {
    throw new AwsServiceError(
      'InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    );
  }
  if (new Set(ids).size !== ids.length) {
    throw new AwsServiceError(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
    );
  }
  const inputs = entries.map((entry) => publishInputOf(entry, topicArn));
  const total = inputs.reduce(
    (sum, input) => sum + messageSize(input.message, input.messageAttributes ?? {}),
    0,
  );
  if (total > SNS_LIMITS.maxMessageBytes) {
    throw new AwsServiceError(
      'BatchRequestTooLong',
      'The length of all the messages put together is more than the limit.',
    );
  }
  const topic = engine.topicByArn(topicArn);
  const successful: string[] = [];
  const failed: string[] = [];
  inputs.forEach((input, index) => {
    const id = ids[index] as string;
    try {
      const result = engine.publishToTopic(topic, input);
      successful.push(
        element('Id', id) +
          element('MessageId', result.messageId) +
          element('SequenceNumber', result.sequenceNumber),
      );
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      failed.push(
        element('Id', id) +
          element('Code', error.code) +
          element('Message', error.message) +
          element('SenderFault', error.status < 500),
      );
    }
  });
  return queryResponse('PublishBatch', memberList('Successful', successful) + memberList('Failed', failed));
};

const listSubscriptions = (
  engine: SnsEngine,
  action: string,
  subscriptions: Subscription[],
  query: QueryNode,
): AwsResponse => {
  const { page, next } = pageOf(subscriptions, query.get('NextToken'));
  const members = page.map(
    (subscription) =>
      element('SubscriptionArn', subscription.arn) +
      element('Owner', engine.accountId) +
      element('Protocol', subscription.protocol) +
      element('Endpoint', subscription.endpoint) +
      element('TopicArn', subscription.topicArn),
  );
  return queryResponse(action, memberList('Subscriptions', members) + element('NextToken', next));
};

function pageOf<T>(items: readonly T[], token: string | undefined): { page: T[]; next?: string } {
  const start = token === undefined ? 0 : Number.parseInt(token, 10);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidParameter('NextToken');
  const page = items.slice(start, start + PAGE_SIZE);
  return start + PAGE_SIZE < items.length ? { page, next: String(start + PAGE_SIZE) } : { page };
}

function requiredArn(query: QueryNode, key: string): string {
  const value = query.get(key);
  if (value === undefined || value === '') throw invalidParameter(key);
  return value;
}
const CreateTopic: Operation = (engine, query) => {
  const name = query.get('Name');
  if (name === undefined) throw invalidParameter('Topic Name');
  const tags = new Map<string, string>();
  for (const tag of query.indexed('Tags', 'member')) {
    const key = tag.get('Key');
    if (key !== undefined) tags.set(key, tag.get('Value') ?? '');
  }
  const topic = engine.createTopicNamed(name, query.stringMap('Attributes'), tags);
  return queryResponse('CreateTopic', element('TopicArn', topic.arn));
};
const DeleteTopic: Operation = (engine, query) => {
  const topic = engine.topics.get(requiredArn(query, 'TopicArn'));
  if (topic) {
    for (const arn of topic.subscriptions) engine.subscriptions.delete(arn);
    engine.topics.delete(topic.arn);
  }
  return queryResponse('DeleteTopic', undefined);
};
const ListTopics: Operation = (engine, query) => {
  const { page, next } = pageOf([...engine.topics.keys()], query.get('NextToken'));
  return queryResponse(
    'ListTopics',
    memberList(
      'Topics',
      page.map((arn) => element('TopicArn', arn)),
    ) + element('NextToken', next),
  );
};
const GetTopicAttributes: Operation = (engine, query) => {
  const topic = engine.topicByArn(requiredArn(query, 'TopicArn'));
  return queryResponse('GetTopicAttributes', entryMap('Attributes', engine.topicAttributes(topic)));
};
const SetTopicAttributes: Operation = (engine, query) => {
  const topic = engine.topicByArn(requiredArn(query, 'TopicArn'));
  const name = query.get('AttributeName') ?? '';
  if (!TOPIC_ATTRIBUTES.has(name) || name === 'FifoTopic') throw invalidParameter('AttributeName');
  const value = query.get('AttributeValue') ?? '';
  if (name === 'ContentBasedDeduplication' && !topic.fifo) {
    throw invalidParameter('Attributes Reason: Content-based deduplication can only be set for FIFO topics');
  }
  topic.attributes.set(name, value);
  return queryResponse('SetTopicAttributes', undefined);
};
const Subscribe: Operation = (engine, query) => {
  const topicArn = requiredArn(query, 'TopicArn');
  const protocol = query.get('Protocol');
  if (protocol === undefined) throw invalidParameter('Protocol');
  const subscription = engine.subscribe(
    topicArn,
    protocol,
    query.get('Endpoint') ?? '',
    query.stringMap('Attributes'),
  );
  return queryResponse('Subscribe', element('SubscriptionArn', subscription.arn));
};
const Unsubscribe: Operation = (engine, query) => {
  const arn = requiredArn(query, 'SubscriptionArn');
  const subscription = engine.subscriptions.get(arn);
  if (!subscription) throw notFound('Subscription');
  engine.subscriptions.delete(arn);
  engine.topics.get(subscription.topicArn)?.subscriptions.delete(arn);
  return queryResponse('Unsubscribe', undefined);
};
const ListSubscriptions: Operation = (engine, query) =>
  listSubscriptions(engine, 'ListSubscriptions', [...engine.subscriptions.values()], query);
const ListSubscriptionsByTopic: Operation = (engine, query) => {
  const topic = engine.topicByArn(requiredArn(query, 'TopicArn'));
  const subscriptions = [...topic.subscriptions]
    .map((arn) => engine.subscriptions.get(arn))
    .filter((subscription): subscription is Subscription => subscription !== undefined);
  return listSubscriptions(engine, 'ListSubscriptionsByTopic', subscriptions, query);
};
const GetSubscriptionAttributes: Operation = (engine, query) => {
  const subscription = engine.subscriptionByArn(requiredArn(query, 'SubscriptionArn'));
  return queryResponse(
    'GetSubscriptionAttributes',
    entryMap('Attributes', subscriptionAttributes(subscription, engine.accountId)),
  );
};
const SetSubscriptionAttributes: Operation = (engine, query) => {
  const subscription = engine.subscriptionByArn(requiredArn(query, 'SubscriptionArn'));
  const name = query.get('AttributeName');
  if (name === undefined) throw invalidParameter('AttributeName');
  setSubscriptionAttribute(subscription, name, query.get('AttributeValue') ?? '');
  return queryResponse('SetSubscriptionAttributes', undefined);
};
const Publish: Operation = (engine, query) => {
  if (query.get('PhoneNumber') !== undefined) {
    throw invalidParameter('PhoneNumber Reason: SMS is not supported by the local SNS');
  }
  const topicArn = query.get('TopicArn') ?? query.get('TargetArn');
  if (topicArn === undefined)
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  const result = engine.publishToTopic(engine.topicByArn(topicArn), publishInputOf(query, topicArn));
  return queryResponse(
    'Publish',
    element('MessageId', result.messageId) + element('SequenceNumber', result.sequenceNumber),
  );
};

/** Every action the local SNS answers, by its wire name: add an action here (the endpoint routes by this table). */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateTopic,
  DeleteTopic,
  GetSubscriptionAttributes,
  GetTopicAttributes,
  ListSubscriptions,
  ListSubscriptionsByTopic,
  ListTopics,
  Publish,
  PublishBatch,
  SetSubscriptionAttributes,
  SetTopicAttributes,
  Subscribe,
  Unsubscribe,
};
