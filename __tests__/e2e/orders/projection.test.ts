import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import * as E from 'fp-ts/Either';
import { ulid } from 'ulid';
import { EventStore, toItem } from '../../../src/adapters/dynamodb/event-store';
import { ReadModel } from '../../../src/adapters/dynamodb/read-model';
import { decide, foldEvents, toEnvelopes, type OrderEventEnvelope } from '../../../src/domain/orders';
import { api, eventually, LOCAL_TABLES, validOrder } from '../../support/api';
import { documentClient, stackUrls, TEST_CREDENTIALS, TEST_REGION } from '../../support/stack';

interface View {
  orderId: string;
  status: string;
  version: number;
  updatedAt: string;
}

const store = () => new EventStore(documentClient(), LOCAL_TABLES.eventStore);

/** A stream record exactly as Lambda receives it from DynamoDB Streams. */
const streamRecord = (envelope: OrderEventEnvelope, sequence: string) => ({
  eventID: sequence,
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    Keys: marshall({ streamId: `order#${envelope.metadata.orderId}`, version: envelope.metadata.version }),
    NewImage: marshall(toItem(envelope), { removeUndefinedValues: true }),
    SequenceNumber: sequence,
    StreamViewType: 'NEW_IMAGE',
  },
});

/** Invokes the projector through the Lambda API, as the stream event source does. */
async function invokeProjector(records: unknown[]): Promise<{ batchItemFailures: unknown[] }> {
  const client = new LambdaClient({
    endpoint: stackUrls().lambda,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
  });
  try {
    const response = await client.send(
      new InvokeCommand({
        FunctionName: 'orderflow-local-projectOrders',
        Payload: Buffer.from(JSON.stringify({ Records: records })),
      }),
    );
    expect(response.FunctionError).toBeUndefined();
    return JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8')) as {
      batchItemFailures: unknown[];
    };
  } finally {
    client.destroy();
  }
}

const view = (orderId: string, accept: (v: View) => boolean) =>
  eventually(
    () => api<View>('GET', `/orders/${orderId}`),
    (r) => r.status === 200 && accept(r.body),
  ).then((r) => r.body);

/** Appends the next event of an order through the domain, as a saga step would. */
async function recordReservation(orderId: string): Promise<OrderEventEnvelope> {
  const history = (await store().load(orderId)) as OrderEventEnvelope[];
  const state = foldEvents(history);
  const now = new Date().toISOString();
  const decided = decide(
    {
      type: 'RecordInventoryReserved',
      orderId,
      reservations: state?.items.map(({ sku, quantity }) => ({ sku, quantity })) ?? [],
    },
    state,
    { now },
  );
  if (E.isLeft(decided)) throw decided.left;
  const [next] = toEnvelopes(decided.right, {
    orderId,
    currentVersion: state?.version ?? 0,
    occurredAt: now,
    correlationId: orderId,
    causationId: 'test',
    newEventId: ulid,
  });
  await store().append([next as OrderEventEnvelope]);
  return next as OrderEventEnvelope;
}

describe('the projector (event store stream → read model)', () => {
  it('follows the stream: a later event moves the view to its version', async () => {
    const placed = await api<{ orderId: string }>('POST', '/orders', { body: validOrder() });
    await view(placed.body.orderId, (v) => v.version === 1);
    await recordReservation(placed.body.orderId);
    const updated = await view(placed.body.orderId, (v) => v.version === 2);
    expect(updated.status).toBe('INVENTORY_RESERVED');
  });

  it('ignores a redelivered record and an older record delivered after a newer one', async () => {
    const placed = await api<{ orderId: string }>('POST', '/orders', { body: validOrder() });
    const orderId = placed.body.orderId;
    const [first] = (await store().load(orderId)) as OrderEventEnvelope[];
    const second = await recordReservation(orderId);
    const settled = await view(orderId, (v) => v.version === 2);

    // Delivered twice, and the older event last: each a no-op that still succeeds.
    const replay = [
      streamRecord(second, '900001'),
      streamRecord(second, '900002'),
      streamRecord(first as OrderEventEnvelope, '900003'),
    ];
    expect(await invokeProjector(replay)).toEqual({ batchItemFailures: [] });
    expect(await invokeProjector(replay)).toEqual({ batchItemFailures: [] });

    const after = await api<View>('GET', `/orders/${orderId}`);
    expect(after.body).toEqual(settled);
  });

  it('never lets an older view overwrite a newer one in the read model', async () => {
    const readModel = new ReadModel(documentClient(), LOCAL_TABLES.readModel);
    const placed = await api<{ orderId: string }>('POST', '/orders', { body: validOrder() });
    await recordReservation(placed.body.orderId);
    const current = await view(placed.body.orderId, (v) => v.version === 2);
    const stale = { ...(await readModel.get(placed.body.orderId)), version: 1, status: 'PENDING' };
    expect(await readModel.put(stale as never)).toBe(false);
    expect((await readModel.get(placed.body.orderId))?.status).toBe(current.status);
  });

  it('reports a record whose stream cannot be folded as a batch item failure, not a crash', async () => {
    const orderId = ulid();
    const bogus = {
      metadata: { orderId, type: 'OrderPlaced', version: 1 },
      data: {},
    } as unknown as OrderEventEnvelope;
    // The stream of this order does not exist, so there is nothing to fold: a no-op, not a failure.
    expect(await invokeProjector([streamRecord(bogus, '910001')])).toEqual({ batchItemFailures: [] });
  });
});
