import * as E from 'fp-ts/Either';
import {
  foldOrderStream,
  handleCommand,
  loadOrder,
  loadOrderStream,
  MAX_CONFLICT_RETRIES,
  type CommandObserver,
} from '../../../src/application';
import {
  ConcurrencyError,
  InvalidEventStreamError,
  InvalidTransitionError,
  OrderNotFoundError,
  ValidationError,
  type OrderCommand,
  type OrderEvent,
} from '../../../src/domain/orders';
import { cmd, envelopesFor, events as decided, ORDER_ID, run } from '../domain/fixtures';
import { InMemoryEventStore } from './in-memory-event-store';

const NOW = new Date('2024-05-01T11:00:00.000Z');

/** The history of `commands` as stored events (each decided on the state the ones before left). */
function history(...commands: OrderCommand[]): OrderEvent[] {
  const all: OrderEvent[] = [];
  for (const [i, command] of commands.entries()) {
    const state = i === 0 ? undefined : run(...commands.slice(0, i));
    all.push(...decided(command, state));
  }
  return all;
}

/**
 * Given events, when a command, then the events it appended or the error it threw (after Emmett's
 * DeciderSpecification), through handleCommand and the in-memory store.
 */
function spec(...given: OrderCommand[]) {
  const store = new InMemoryEventStore();
  const given_ = history(...given);
  if (given_.length > 0) store.write(envelopesFor(given_, 0));
  const observed: Parameters<CommandObserver['appended']>[0][] = [];
  const observer: CommandObserver = { appended: (record) => observed.push(record) };
  let n = 0;
  const when = (command: OrderCommand) =>
    handleCommand(store, command, 'test:cause', {
      observer,
      now: () => NOW,
      newEventId: () => `e${(n += 1)}`,
    });
  return {
    store,
    observed,
    when,
    async thenEvents(command: OrderCommand, expected: readonly OrderEvent['type'][]) {
      const { appended } = await when(command);
      expect(appended.map((event) => event.type)).toEqual(expected);
      const stored = await store.load(ORDER_ID);
      expect(stored.slice(given_.length).map((e) => e.metadata.type)).toEqual(expected);
      return stored;
    },
    async thenError(command: OrderCommand, error: new (...args: never[]) => Error) {
      const before = (await store.load(ORDER_ID)).length;
      await expect(when(command)).rejects.toBeInstanceOf(error);
      expect(await store.load(ORDER_ID)).toHaveLength(before);
      expect(observed).toEqual([]);
    },
  };
}

describe('handleCommand: given events, when a command, then events or an error', () => {
  it('appends what the domain decides, at the versions after the stream’s, with causation and time', async () => {
    const s = spec(cmd.place(), cmd.reserve());
    const stored = await s.thenEvents(cmd.authorize(), ['PaymentAuthorized']);
    expect(stored[2]?.metadata).toMatchObject({
      version: 3,
      orderId: ORDER_ID,
      causationId: 'test:cause',
      correlationId: ORDER_ID,
      occurredAt: NOW.toISOString(),
    });
  });

  it('tells the observer of the append, with the state before it and the new version', async () => {
    const s = spec(cmd.place(), cmd.reserve(), cmd.authorize(), cmd.schedule(), cmd.capture());
    await s.thenEvents(cmd.confirm(), ['OrderConfirmed']);
    expect(s.observed).toHaveLength(1);
    expect(s.observed[0]).toMatchObject({ version: 6, at: NOW.toISOString(), causationId: 'test:cause' });
    expect(s.observed[0]?.before.status).toBe('SHIPPING_SCHEDULED');
    expect(s.observed[0]?.before.version).toBe(5);
  });

  it('returns the state after the append without reading the stream again', async () => {
    const s = spec(cmd.place());
    const { state } = await s.when(cmd.reserve());
    expect(state).toEqual(await loadOrder(s.store, ORDER_ID));
    expect(state.version).toBe(2);
  });

  it('appends nothing for a repeated command (the domain answers it with no events)', async () => {
    const s = spec(cmd.place(), cmd.reserve());
    await s.thenEvents(cmd.reserve(), []);
    expect(s.store.appendCalls).toBe(0);
    expect(s.observed).toEqual([]);
  });

  it('throws the domain’s refusal and appends nothing', async () => {
    await spec(cmd.place()).thenError(cmd.confirm(), InvalidTransitionError);
  });

  it('throws OrderNotFoundError for an order with no stream', async () => {
    await spec().thenError(cmd.reserve(), OrderNotFoundError);
  });

  it('refuses through the precondition, checked on the stream as it is', async () => {
    const s = spec(cmd.place());
    const refuse = new ValidationError([{ path: 'x', rule: 'test', message: 'refused' }]);
    await expect(
      handleCommand(s.store, cmd.reserve(), 'c', {
        observer: { appended: () => undefined },
        precondition: (state) => {
          if (state.status === 'PENDING') throw refuse;
        },
      }),
    ).rejects.toBe(refuse);
    expect(await s.store.load(ORDER_ID)).toHaveLength(1);
  });
});

describe('handleCommand after a lost race (a version conflict)', () => {
  it('reloads and decides again on the stream the other writer left', async () => {
    const s = spec(cmd.place(), cmd.reserve());
    // Another writer authorizes between this command's read and its append.
    s.store.beforeAppend = (store) =>
      store.write(envelopesFor(history(cmd.place(), cmd.reserve(), cmd.authorize()).slice(2), 2));
    await s.when(cmd.cancel('CUSTOMER_CANCELLED'));
    const types = (await s.store.load(ORDER_ID)).map((e) => e.metadata.type);
    expect(types).toEqual(['OrderPlaced', 'InventoryReserved', 'PaymentAuthorized', 'OrderCancelled']);
    expect(s.store.appendCalls).toBe(2);
    expect(s.observed.map((o) => o.version)).toEqual([4]);
  });

  it('answers a repeat with no events when the other writer appended the same fact', async () => {
    const s = spec(cmd.place());
    s.store.beforeAppend = (store) =>
      store.write(envelopesFor(history(cmd.place(), cmd.reserve()).slice(1), 1));
    const { appended, state } = await s.when(cmd.reserve());
    expect(appended).toEqual([]);
    expect(state.version).toBe(2);
    expect(s.observed).toEqual([]);
  });

  it('decides on a stale `current` first and pays only a retry for it', async () => {
    const s = spec(cmd.place(), cmd.reserve());
    const stale = run(cmd.place());
    const { state } = await handleCommand(s.store, cmd.cancel('CUSTOMER_CANCELLED'), 'c', {
      observer: { appended: () => undefined },
      current: stale,
    });
    expect(state.version).toBe(3);
    expect(s.store.appendCalls).toBe(2);
  });

  it(`gives up with ConcurrencyError after ${MAX_CONFLICT_RETRIES} lost races`, async () => {
    const s = spec(cmd.place());
    const store = s.store;
    // Every append loses: another writer always takes the next version first.
    store.append = async () => {
      store.appendCalls += 1;
      throw new ConcurrencyError(`order#${ORDER_ID}`, 1);
    };
    await expect(s.when(cmd.reserve())).rejects.toBeInstanceOf(ConcurrencyError);
    expect(store.appendCalls).toBe(MAX_CONFLICT_RETRIES);
  });
});

describe('loadOrder and foldOrderStream', () => {
  it('folds the stream into the state and hands back what it read', async () => {
    const s = spec(cmd.place(), cmd.reserve());
    const { state, stored } = await loadOrderStream(s.store, ORDER_ID);
    expect(state).toMatchObject({ orderId: ORDER_ID, status: 'INVENTORY_RESERVED', version: 2 });
    expect(stored).toHaveLength(2);
  });

  it('throws the decode error of a stored event that is not an order event', async () => {
    const s = spec(cmd.place());
    s.store.streams.get(ORDER_ID)?.push({ metadata: { orderId: ORDER_ID, version: 2 }, data: {} } as never);
    await expect(loadOrder(s.store, ORDER_ID)).rejects.toBeInstanceOf(ValidationError);
  });

  it('answers Left for a stream that cannot be folded, undefined for an empty one', () => {
    const [placed, reserved] = envelopesFor(history(cmd.place(), cmd.reserve()), 0);
    if (!placed || !reserved) throw new TypeError('expected two events');
    const gap = foldOrderStream([placed, { ...reserved, metadata: { ...reserved.metadata, version: 5 } }]);
    expect(E.isLeft(gap) && gap.left).toBeInstanceOf(InvalidEventStreamError);
    expect(foldOrderStream([])).toEqual(E.right(undefined));
  });
});
