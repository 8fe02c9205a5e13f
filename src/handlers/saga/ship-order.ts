import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  issuesFromDecodeErrors,
  NonEmptyString,
  OrderCancelledError,
  ShippingUnavailableError,
  ValidationError,
} from '../../domain/orders';
import { sagaClient } from '../composition-root/saga';
import { orderEventStore } from '../composition-root/stores';
import { setting } from '../../config';
import { loadOrder } from '../shared/order-commands';
import { eachRecord, observability } from '../shared/observability';

/** What the saga's ScheduleShipment state sends (statemachines/orderSaga.asl.json). */
const ShippingRequest = t.readonly(
  t.type({ orderId: NonEmptyString, taskToken: NonEmptyString }),
  'ShippingRequest',
);
type ShippingRequest = t.TypeOf<typeof ShippingRequest>;

const parse = (body: string): ShippingRequest => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ValidationError([{ path: 'body', rule: 'json', message: 'the message body is not JSON' }]);
  }
  const request = ShippingRequest.decode(value);
  if (E.isLeft(request)) throw new ValidationError(issuesFromDecodeErrors(request.left));
  return request.right;
};

/** Countries the (simulated) carrier does not serve, from the stage's settings. */
const unserved = (): Set<string> => new Set(setting('UNSERVED_COUNTRIES'));

/**
 * The shipping worker: answers the saga's ScheduleShipment task token with a shipment id, or fails it
 * for an address the carrier cannot serve (or an order cancelled meanwhile). The shipment id is derived
 * from the order id, so a redelivered request books nothing new; a token nobody waits on any more is
 * a finished request.
 */
export async function shipOrder(record: SQSRecord): Promise<void> {
  const request = parse(record.body);
  const order = await loadOrder(orderEventStore(), request.orderId);
  const saga = sagaClient();
  if (order.status === 'CANCELLED') {
    const error = new OrderCancelledError(order.orderId);
    await saga.fail(request.taskToken, error.name, error.message);
  } else if (unserved().has(order.shippingAddress.country)) {
    const error = new ShippingUnavailableError(
      order.orderId,
      `no carrier serves ${order.shippingAddress.country}`,
    );
    await saga.fail(request.taskToken, error.name, error.message);
  } else {
    await saga.succeed(request.taskToken, { shipmentId: `shp_${order.orderId}` });
  }
}

export const handler = middy<SQSEvent>()
  .use(observability())
  // eachRecord logs a failed record (as JSON, with its order id); the middleware's own log would not be.
  .use(sqsPartialBatchFailure({ logger: () => undefined }))
  .handler((event) => eachRecord(event.Records, shipOrder));
