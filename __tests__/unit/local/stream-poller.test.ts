import type { FunctionInvoker, InvocationResult } from '../../../src/local/lambda/invoker';
import type { StreamMapping } from '../../../src/local/streams/event-source-mappings';
import { StreamLog, type StreamRecord } from '../../../src/local/streams/stream-log';
import { StreamPoller, type FailedBatch } from '../../../src/local/streams/stream-poller';

const mapping = (overrides: Partial<StreamMapping> = {}): StreamMapping => ({
  logicalId: 'M',
  functionName: 'fn',
  tableName: 't',
  batchSize: 10,
  startingPosition: 'TRIM_HORIZON',
  maximumRetryAttempts: 2,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: true,
  enabled: true,
  ...overrides,
});

/** A function that answers each batch with what `respond` says, recording what it was sent. */
class ScriptedFunction {
  readonly batches: string[][] = [];
  constructor(private readonly respond: (keys: string[], call: number) => InvocationResult) {}
  asInvoker(): FunctionInvoker {
    return {
      invoke: async (_name: string, event: unknown) => {
        const keys = (event as { Records: StreamRecord[] }).Records.map((r) => String(r.dynamodb.Keys.id));
        this.batches.push(keys);
        return this.respond(keys, this.batches.length);
      },
    } as unknown as FunctionInvoker;
  }
}

const log = (n: number) => {
  const stream = new StreamLog('arn:stream', 'NEW_IMAGE', 'us-east-1');
  for (let i = 1; i <= n; i += 1) appendRecord(stream, `r${i}`);
  return stream;
};

const appendRecord = (stream: StreamLog, id: string) =>
  stream.append({ tableName: 't', eventName: 'INSERT', keys: { id }, newImage: { id } });

const run = async (poller: StreamPoller, until: () => boolean, timeoutMs = 5000) => {
  poller.start();
  const deadline = Date.now() + timeoutMs;
  while (!until() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await poller.stop();
};

const sequenceOf = (stream: StreamLog, key: string) =>
  stream.read(0, 1000).find((r) => r.dynamodb.Keys.id === key)?.dynamodb.SequenceNumber;

describe('StreamPoller (Lambda DynamoDB event source semantics)', () => {
  it('delivers every record in order, in batches of at most batchSize', async () => {
    const stream = log(25);
    const fn = new ScriptedFunction(() => ({ payload: { batchItemFailures: [] } }));
    const poller = new StreamPoller(mapping(), stream, {
      invoker: fn.asInvoker(),
      onFailedBatch: async () => undefined,
    });
    await run(poller, () => poller.caughtUp);
    expect(fn.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(fn.batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `r${i + 1}`));
  });

  it('polls at a pace, so records that arrive between two polls share one batch (as Lambda polls a shard)', async () => {
    const stream = log(1);
    const fn = new ScriptedFunction((_keys, call) => {
      // Two records land shortly after the first batch is handled, well inside the poll interval.
      if (call === 1) {
        setTimeout(() => appendRecord(stream, 'r2'), 10);
        setTimeout(() => appendRecord(stream, 'r3'), 30);
      }
      return { payload: {} };
    });
    const poller = new StreamPoller(mapping(), stream, {
      invoker: fn.asInvoker(),
      onFailedBatch: async () => undefined,
      pollIntervalMs: 3_000,
    });
    await run(poller, () => fn.batches.flat().length === 3, 20_000);
    expect(fn.batches).toEqual([['r1'], ['r2', 'r3']]);
  });

  it('retries from the first failed record of a partial batch response', async () => {
    const stream = log(5);
    const fn = new ScriptedFunction((_keys, call) =>
      call === 1
        ? { payload: { batchItemFailures: [{ itemIdentifier: sequenceOf(stream, 'r3') }] } }
        : { payload: {} },
    );
    const poller = new StreamPoller(mapping(), stream, {
      invoker: fn.asInvoker(),
      onFailedBatch: async () => undefined,
    });
    await run(poller, () => poller.caughtUp);
    expect(fn.batches).toEqual([
      ['r1', 'r2', 'r3', 'r4', 'r5'],
      ['r3', 'r4', 'r5'],
    ]);
  });

  it('sends a batch that keeps failing to the on-failure handler after its retries, then moves on', async () => {
    const stream = log(3);
    const failed: FailedBatch[] = [];
    const fn = new ScriptedFunction((keys) =>
      keys.includes('r2')
        ? { functionError: 'Unhandled', payload: { errorMessage: 'boom' } }
        : { payload: {} },
    );
    const poller = new StreamPoller(mapping({ batchSize: 1, maximumRetryAttempts: 2 }), stream, {
      invoker: fn.asInvoker(),
      onFailedBatch: async (batch) => {
        failed.push(batch);
      },
      maxBackoffMs: 1,
    });
    await run(poller, () => poller.caughtUp);
    expect(fn.batches).toEqual([['r1'], ['r2'], ['r2'], ['r2'], ['r3']]);
    expect(failed.map((f) => f.records.map((r) => r.dynamodb.Keys.id))).toEqual([['r2']]);
    expect(failed[0]?.error).toContain('boom');
  });

  it('halves a failing batch when the mapping bisects, isolating the poison record', async () => {
    const stream = log(4);
    const failed: FailedBatch[] = [];
    const fn = new ScriptedFunction((keys) =>
      keys.includes('r4') ? { functionError: 'Unhandled', payload: {} } : { payload: {} },
    );
    const poller = new StreamPoller(
      mapping({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 3 }),
      stream,
      {
        invoker: fn.asInvoker(),
        onFailedBatch: async (batch) => {
          failed.push(batch);
        },
        maxBackoffMs: 1,
      },
    );
    await run(poller, () => poller.caughtUp);
    expect(fn.batches.slice(0, 5)).toEqual([
      ['r1', 'r2', 'r3', 'r4'],
      ['r1', 'r2'],
      ['r3', 'r4'],
      ['r3'],
      ['r4'],
    ]);
    expect(fn.batches.slice(4)).toEqual(Array(4).fill(['r4']));
    expect(failed.flatMap((f) => f.records.map((r) => r.dynamodb.Keys.id))).toEqual(['r4']);
  });

  it('fails the whole batch when an identifier names no record of it', async () => {
    const stream = log(2);
    const fn = new ScriptedFunction((_keys, call) =>
      call === 1 ? { payload: { batchItemFailures: [{ itemIdentifier: 'nope' }] } } : { payload: {} },
    );
    const poller = new StreamPoller(mapping(), stream, {
      invoker: fn.asInvoker(),
      onFailedBatch: async () => undefined,
    });
    await run(poller, () => poller.caughtUp);
    expect(fn.batches).toEqual([
      ['r1', 'r2'],
      ['r1', 'r2'],
    ]);
  });
});
