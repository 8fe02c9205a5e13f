import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { EventStore, toItem } from '../../../src/adapters/dynamodb/event-store';
import { ReadModel } from '../../../src/adapters/dynamodb/read-model';
import type { OrderEventEnvelope } from '../../../src/domain/orders';
import { api, eventually, LOCAL_TABLES, placeOrder } from '../../support/api';
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

/** An order the saga has finished with (nobody stocked its SKUs, so it ends CANCELLED). */
async function settledOrder(): Promise<{ orderId: string; events: OrderEventEnvelope[]; view: View }> {
  const orderId = await placeOrder();
  const settled = await view(orderId, (v) => v.status === 'CANCELLED');
  const events = (await store().load(orderId)) as OrderEventEnvelope[];
  return {
    orderId,
    events,
    view: await view(orderId, (v) => v.version === events.length && v.version === settled.version),
  };
}

describe('the projector (event store stream → read model)', () => {
  it('follows the stream: the view reaches the version of the last stored event', async () => {
    const { events, view: settled } = await settledOrder();
    expect(events.length).toBeGreaterThan(1);
    expect(settled).toMatchObject({ status: 'CANCELLED', version: events.length });
  });

  it('ignores a redelivered record and an older record delivered after a newer one', async () => {
    const { orderId, events, view: settled } = await settledOrder();
    const first = events[0] as OrderEventEnvelope;
    const last = events[events.length - 1] as OrderEventEnvelope;
    // Delivered twice, and the oldest event last: each a no-op that still succeeds.
    const replay = [
      streamRecord(last, '900001'),
      streamRecord(last, '900002'),
      streamRecord(first, '900003'),
    ];
    expect(await invokeProjector(replay)).toEqual({ batchItemFailures: [] });
    expect(await invokeProjector(replay)).toEqual({ batchItemFailures: [] });
    const after = await api<View>('GET', `/orders/${orderId}`);
    expect(after.body).toEqual(settled);
  });

  it('never lets an older view overwrite a newer one in the read model', async () => {
    const readModel = new ReadModel(documentClient(), LOCAL_TABLES.readModel);
    const { orderId, view: settled } = await settledOrder();
    const stale = { ...(await readModel.get(orderId)), version: 1, status: 'PENDING' };
    expect(await readModel.put(stale as never)).toBe(false);
    expect((await readModel.get(orderId))?.status).toBe(settled.status);
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
