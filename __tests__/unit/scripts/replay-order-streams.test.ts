import { CorruptItemError } from '../../../src/adapters/dynamodb/stored-items';
import type { EventStore } from '../../../src/adapters/dynamodb/event-store';
import { orderStreams } from '../../../scripts/replay-analytics';
import { placed } from '../domain/analytics/fixtures';

/* A stream the live producer never published (an item that does not decode) is skipped and named, not fatal. */
describe('analytics:replay reads the event store as the live producer does', () => {
  it('skips a stream holding an item that does not decode, with a warning, and replays the rest', async () => {
    const good = placed('o-good', Date.parse('2026-01-01T00:00:00Z'));
    const store = {
      async *orderIds() {
        yield 'o-corrupt';
        yield 'o-good';
      },
      async load(orderId: string) {
        if (orderId === 'o-corrupt') {
          throw new CorruptItemError(
            'orderflow-test-event-store',
            { streamId: 'order#o-corrupt', version: 1 },
            [{ path: 'metadata.eventId', rule: 'required', message: 'is required' }],
          );
        }
        return [good];
      },
    } as unknown as Pick<EventStore, 'orderIds' | 'load'>;
    const warnings: string[] = [];
    const streams = [];
    for await (const stream of orderStreams(store, (line) => warnings.push(line))()) streams.push(stream);
    expect(streams).toEqual([[good]]);
    expect(warnings).toEqual([
      expect.stringContaining('order o-corrupt: the stream holds an item that does not decode'),
    ]);
  });
});
