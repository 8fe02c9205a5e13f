import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventPublisher } from '../../../src/adapters/eventbridge/event-publisher';
import type { EventEnvelope } from '../../../src/domain/shared/envelope';

const envelope = (n: number): EventEnvelope<unknown> => ({
  metadata: {
    eventId: `e${n}`,
    type: 'OrderPlaced',
    version: n,
    schemaVersion: 1,
    occurredAt: '2026-11-26T00:00:00.000Z',
    correlationId: 'o',
    causationId: 'c',
    orderId: 'o',
  },
  data: { n },
});

/** An EventBridge client double that fails the entries `fail(call)` names, and records what it was sent. */
const clientFailing = (fail: (call: number) => number[]) => {
  const calls: string[][] = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      calls.push(
        entries.map((e) => (JSON.parse(e.Detail ?? '{}') as EventEnvelope<unknown>).metadata.eventId),
      );
      const failing = fail(calls.length);
      return {
        FailedEntryCount: entries.filter((_, i) => failing.includes(i)).length,
        Entries: entries.map((_, i) =>
          failing.includes(i)
            ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }
            : { EventId: `id-${i}` },
        ),
      };
    },
  } as unknown as EventBridgeClient;
  return { client, calls };
};

describe('EventPublisher (PutEvents error handling)', () => {
  it('sends at most 10 entries per call, with source, detail-type and the envelope as detail', async () => {
    const { client, calls } = clientFailing(() => []);
    const publisher = new EventPublisher(client, 'bus', () => 'orderflow.orders');
    const result = await publisher.publish(Array.from({ length: 23 }, (_, i) => envelope(i + 1)));
    expect(result.failed).toEqual([]);
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
  });

  it('resends only the entries EventBridge refused, keeping their eventIds', async () => {
    const { client, calls } = clientFailing((call) => (call === 1 ? [1, 3] : []));
    const publisher = new EventPublisher(client, 'bus', () => 'orderflow.orders', { baseDelayMs: 1 });
    const result = await publisher.publish([1, 2, 3, 4].map(envelope));
    expect(result.failed).toEqual([]);
    expect(calls).toEqual([
      ['e1', 'e2', 'e3', 'e4'],
      ['e2', 'e4'],
    ]);
  });

  it('gives back what still fails after its attempts, in order', async () => {
    const { client, calls } = clientFailing(() => [0]);
    const publisher = new EventPublisher(client, 'bus', () => 'orderflow.orders', {
      maxAttempts: 3,
      baseDelayMs: 1,
    });
    const result = await publisher.publish([1, 2].map(envelope));
    expect(result.failed.map((e) => e.metadata.eventId)).toEqual(['e1']);
    expect(calls).toEqual([['e1', 'e2'], ['e1'], ['e1']]);
  });

  it('lets a failed call (not a failed entry) surface to the caller', async () => {
    const client = {
      send: async () => Promise.reject(new RangeError('network down')),
    } as unknown as EventBridgeClient;
    await expect(new EventPublisher(client, 'bus', () => 's').publish([envelope(1)])).rejects.toThrow(
      'network down',
    );
  });
});
