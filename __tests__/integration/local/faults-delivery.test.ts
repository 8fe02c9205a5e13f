import { AwsEndpoint } from '../../../src/local/aws/endpoint';
import { EventBridgeService } from '../../../src/local/aws/eventbridge';
import { SqsService } from '../../../src/local/aws/sqs';
import { FaultControlService, FaultRegistry } from '../../../src/local/faults';
import type { FunctionInvoker } from '../../../src/local/lambda/invoker';
import { PaymentSimulator } from '../../../src/local/payments/simulator';
import { SqsEventSource } from '../../../src/local/queues/sqs-event-source';
import type { StreamMapping } from '../../../src/local/streams/event-source-mappings';
import { StreamLog } from '../../../src/local/streams/stream-log';
import { StreamPoller } from '../../../src/local/streams/stream-poller';
import { TargetDispatcher } from '../../../src/local/targets';

/**
 * Delivery faults injected by the offline runtime, armed through the control API (`OrderflowLocal.*`
 * on the AWS endpoint) exactly as the chaos harness arms them, and observed at the consumer.
 */

const REGION = 'us-east-1';

/** Records what a consumer was handed, and lets a test wait for the n-th delivery. */
class RecordingConsumer implements FunctionInvoker {
  readonly events: { functionName: string; event: unknown }[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  async invoke(functionName: string, event: unknown) {
    this.events.push({ functionName, event });
    this.waiters = this.waiters.filter((waiter) => {
      if (this.events.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    return { payload: {} };
  }

  received(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

const recordIds = (consumer: RecordingConsumer, field: 'messageId' | 'eventID') =>
  consumer.events.flatMap(({ event }) =>
    ((event as { Records: Record<string, unknown>[] }).Records ?? []).map((record) => String(record[field])),
  );

describe('delivery faults injected by the runtime, armed through the control API', () => {
  const faults = new FaultRegistry();
  const endpoint = new AwsEndpoint();
  const sqs = new SqsService({ region: REGION });
  const dispatcher = new TargetDispatcher();
  const eventBridge = new EventBridgeService({ region: REGION, dispatcher, faults });
  let awsUrl = '';

  const call = async (target: string, body: unknown) => {
    const response = await fetch(awsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const control = (operation: string, body: unknown) => call(`OrderflowLocal.${operation}`, body);
  const injectedOf = async (kind: string) =>
    ((await control('ListFaults', {})).body.injectedByKind as Record<string, number>)[kind] ?? 0;

  beforeAll(async () => {
    endpoint.register(sqs).register(eventBridge).register(new FaultControlService(faults));
    awsUrl = `http://127.0.0.1:${await endpoint.listen(0)}`;
    sqs.setBaseUrl(awsUrl);
  });
  afterAll(() => endpoint.close());
  afterEach(() => control('ClearFaults', {}));

  it('duplicate-sqs-message: the consumer receives the same MessageId twice', async () => {
    const { queueArn } = sqs.createQueue('faults-duplicate');
    const consumer = new RecordingConsumer();
    const source = new SqsEventSource(
      { functionName: 'consumer', queueArn, batchSize: 10, reportBatchItemFailures: false, enabled: true },
      sqs,
      consumer,
      REGION,
      undefined,
      faults,
    );
    expect(
      (await control('InjectFault', { kind: 'duplicate-sqs-message', functionName: 'consumer', count: 1 }))
        .status,
    ).toBe(200);
    source.start();
    try {
      const { messageId } = sqs.sendToQueue(queueArn, { body: 'once' });
      await consumer.received(2);
      expect(recordIds(consumer, 'messageId')).toEqual([messageId, messageId]);
      expect(await injectedOf('duplicate-sqs-message')).toBe(1);
    } finally {
      await source.stop();
    }
  });

  it('delay-sqs-message: a delayed message reaches the consumer after one sent later', async () => {
    const { queueArn } = sqs.createQueue('faults-delay');
    const consumer = new RecordingConsumer();
    const source = new SqsEventSource(
      { functionName: 'consumer', queueArn, batchSize: 1, reportBatchItemFailures: false, enabled: true },
      sqs,
      consumer,
      REGION,
      undefined,
      faults,
    );
    await control('InjectFault', {
      kind: 'delay-sqs-message',
      functionName: 'consumer',
      count: 1,
      // held long enough to outlast a ListFaults poll and the second send on a busy machine
      delayMs: 5_000,
    });
    source.start();
    try {
      const first = sqs.sendToQueue(queueArn, { body: 'first' });
      // The first message is held once the fault has fired; only then is the second one sent.
      while ((await injectedOf('delay-sqs-message')) === 0) await new Promise((r) => setTimeout(r, 20));
      const second = sqs.sendToQueue(queueArn, { body: 'second' });
      await consumer.received(2);
      expect(recordIds(consumer, 'messageId')).toEqual([second.messageId, first.messageId]);
    } finally {
      await source.stop();
    }
  });

  describe('EventBridge targets', () => {
    const delivered: string[] = [];
    beforeAll(async () => {
      dispatcher.register('lambda', async (_arn, delivery) => {
        delivered.push((JSON.parse(delivery.body) as { id: string; detail: { n: number } }).id);
      });
      await call('AWSEvents.PutRule', {
        Name: 'faults-rule',
        EventPattern: JSON.stringify({ source: ['faults'] }),
      });
      await call('AWSEvents.PutTargets', {
        Rule: 'faults-rule',
        Targets: [{ Id: 'consumer', Arn: `arn:aws:lambda:${REGION}:000000000000:function:events-consumer` }],
      });
    });
    beforeEach(() => {
      delivered.length = 0;
    });
    const put = async (n: number) => {
      const { body } = await call('AWSEvents.PutEvents', {
        Entries: [{ Source: 'faults', DetailType: 'probe', Detail: JSON.stringify({ n }) }],
      });
      return (body.Entries as { EventId: string }[])[0]?.EventId ?? '';
    };

    it('duplicate-eventbridge-event: the target receives the same event id twice', async () => {
      await control('InjectFault', {
        kind: 'duplicate-eventbridge-event',
        functionName: 'events-consumer',
        count: 1,
      });
      const id = await put(1);
      await eventBridge.whenIdle();
      expect(delivered).toEqual([id, id]);
      expect(await injectedOf('duplicate-eventbridge-event')).toBe(1);
    });

    it('delay-eventbridge-event: a delayed event reaches the target after one put later', async () => {
      await control('InjectFault', {
        kind: 'delay-eventbridge-event',
        functionName: '*',
        count: 1,
        // held long enough to outlast the second PutEvents round trip on a busy machine
        delayMs: 5_000,
      });
      const first = await put(1);
      const second = await put(2);
      await eventBridge.whenIdle();
      expect(delivered).toEqual([second, first]);
    });
  });

  it('duplicate-stream-record: the function is handed the same stream records again', async () => {
    const stream = new StreamLog(
      'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x',
      'NEW_IMAGE',
      REGION,
    );
    const mapping: StreamMapping = {
      logicalId: 'Mapping',
      functionName: 'projector',
      tableName: 't',
      batchSize: 10,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: -1,
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: false,
      enabled: true,
    };
    const consumer = new RecordingConsumer();
    const poller = new StreamPoller(mapping, stream, {
      invoker: consumer,
      onFailedBatch: async () => undefined,
      faults,
    });
    await control('InjectFault', { kind: 'duplicate-stream-record', functionName: 'projector', count: 1 });
    const record = stream.append({ tableName: 't', eventName: 'INSERT', keys: { id: { S: 'a' } } });
    poller.start();
    try {
      await consumer.received(2);
      expect(recordIds(consumer, 'eventID')).toEqual([record.eventID, record.eventID]);
      expect(await injectedOf('duplicate-stream-record')).toBe(1);
    } finally {
      await poller.stop();
    }
  });

  it('refuses a delay it cannot honour', async () => {
    const response = await control('InjectFault', {
      kind: 'delay-sqs-message',
      functionName: '*',
      delayMs: -1,
    });
    expect(response.status).toBe(400);
    expect(response.body.__type).toBe('ValidationException');
  });
});

describe('payment provider timeouts injected by the simulator (POST /__faults delayNext)', () => {
  let simulator: PaymentSimulator;
  beforeAll(async () => {
    simulator = await PaymentSimulator.start({ port: 0 });
  });
  afterAll(() => simulator.close());

  const authorize = (signal?: AbortSignal) =>
    fetch(`${simulator.url}/v1/authorizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'authorize:o-late' },
      body: JSON.stringify({ orderId: 'o-late', amount: 1200, currency: 'EUR', token: 'tok_visa' }),
      signal,
    });

  it('acts on the request but answers too late for the client, whose retry gets the same answer', async () => {
    const armed = await fetch(`${simulator.url}/__faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delayNext: 1, delayMs: 10_000 }),
    });
    expect(armed.status).toBe(200);
    const impatient = new AbortController();
    const late = authorize(impatient.signal);
    // The client gives up once the provider holds the request (it has acted: the ledger shows it).
    while (simulator.ledger('o-late').entries.length === 0) await new Promise((r) => setTimeout(r, 10));
    impatient.abort();
    await expect(late).rejects.toThrow();
    const retry = await authorize();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(simulator.ledger('o-late').entries.map((entry) => entry.type)).toEqual(['authorization']);
    const faults = await fetch(`${simulator.url}/__faults`);
    expect(await faults.json()).toEqual({ failNext: 0, delayNext: 0, injected: { failed: 0, delayed: 1 } });
  });

  it('refuses a delay that is not a positive whole number of ms', async () => {
    const answer = await fetch(`${simulator.url}/__faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delayNext: 1, delayMs: 0 }),
    });
    expect(answer.status).toBe(400);
  });
});
