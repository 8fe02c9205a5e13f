import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * The correlation id of orderflow is the order id. It is known at different places per trigger: the
 * path of an HTTP request (or the answer, for a new order), the input of a Step Functions task, the
 * detail of an EventBridge event, the body of an SQS message (raw or in SNS's envelope) and the key
 * of a stream record.
 */

const ORDER_ID = /^[0-9A-Za-z_-]{1,64}$/;
const ORDER_STREAM = 'order#';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const asOrderId = (value: unknown): string | undefined =>
  typeof value === 'string' && ORDER_ID.test(value) ? value : undefined;

const parse = (text: unknown): unknown => {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The order an envelope, an EventBridge event, a saga payload or an SNS envelope is about. */
function orderIdOfMessage(message: unknown, depth = 0): string | undefined {
  if (!isObject(message) || depth > 3) return undefined;
  const metadata = message.metadata;
  if (isObject(metadata) && asOrderId(metadata.orderId)) return asOrderId(metadata.orderId);
  if (asOrderId(message.orderId)) return asOrderId(message.orderId);
  if (isObject(message.detail)) return orderIdOfMessage(message.detail, depth + 1);
  if (message.Type === 'Notification') return orderIdOfMessage(parse(message.Message), depth + 1);
  return undefined;
}

/**
 * The order id of an invocation's event or of one record of a batch, when it names exactly one:
 * HTTP path parameter, Step Functions task input, EventBridge detail, SQS body, DynamoDB stream key.
 */
export function orderIdOf(event: unknown): string | undefined {
  if (!isObject(event)) return undefined;
  const path = event.pathParameters;
  if (isObject(path)) return asOrderId(path.orderId);
  if (event.eventSource === 'aws:sqs') return orderIdOfMessage(parse(event.body));
  const stream = event.dynamodb;
  if (isObject(stream)) {
    const key = isObject(stream.Keys) && isObject(stream.Keys.streamId) ? stream.Keys.streamId.S : undefined;
    return typeof key === 'string' && key.startsWith(ORDER_STREAM)
      ? asOrderId(key.slice(ORDER_STREAM.length))
      : undefined;
  }
  return orderIdOfMessage(event);
}

/** The order ids of a batch's records, each once, in the order they first appear. */
export const orderIdsOf = (records: readonly unknown[]): string[] => [
  ...new Set(records.map(orderIdOf).filter((id): id is string => id !== undefined)),
];

interface OrderScope {
  orderId?: string;
}

/**
 * Records of one batch are handled side by side, so their order ids cannot be keys of the one
 * logger: each record runs in its own scope, which the log formatter reads.
 */
export const orderScope = new AsyncLocalStorage<OrderScope>();

export const inOrderScope = <T>(orderId: string | undefined, work: () => Promise<T>): Promise<T> =>
  orderScope.run({ orderId }, work);
