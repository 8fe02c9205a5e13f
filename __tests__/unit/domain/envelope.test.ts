import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  decodeOrderEnvelope,
  envelopeCodec,
  EventMetadata,
  eventOf,
  type OrderEventEnvelope,
  toEnvelopes,
  ValidationError,
} from '../../../src/domain/orders';
import { cmd, events, ORDER_ID, states, TOTAL } from './fixtures';

const metadata = {
  eventId: '01HZXEVT',
  type: 'PaymentAuthorized',
  version: 3,
  schemaVersion: 1,
  occurredAt: '2024-05-01T10:02:00.000Z',
  correlationId: 'corr-1',
  causationId: 'cmd-7',
  orderId: ORDER_ID,
};
const data = { orderId: ORDER_ID, authorizationId: 'auth-1', amount: TOTAL, currency: 'USD' };

const issues = (result: E.Either<ValidationError, unknown>) => {
  if (E.isRight(result)) throw new TypeError('expected a decode failure');
  return result.left.details.map(({ path, rule }) => ({ path, rule }));
};

describe('EventMetadata', () => {
  it('decodes valid metadata', () => {
    expect(EventMetadata.decode(metadata)).toEqual(E.right(metadata));
  });

  it('ignores unknown fields rather than failing', () => {
    expect(E.isRight(EventMetadata.decode({ ...metadata, traceId: 'Root=1-abc', region: 'eu-west-1' }))).toBe(
      true,
    );
  });

  it.each([
    ['version 0', { version: 0 }],
    ['fractional version', { version: 1.5 }],
    ['string version', { version: '3' }],
    ['schemaVersion 0', { schemaVersion: 0 }],
    ['empty eventId', { eventId: '' }],
    ['occurredAt without a time zone', { occurredAt: '2024-05-01T10:02:00' }],
    ['occurredAt as a date only', { occurredAt: '2024-05-01' }],
    ['occurredAt as epoch millis', { occurredAt: 1714557720000 }],
    ['occurredAt on an impossible date', { occurredAt: '2023-02-29T10:00:00Z' }],
  ])('rejects %s', (_name, change) => {
    expect(E.isLeft(EventMetadata.decode({ ...metadata, ...change }))).toBe(true);
  });

  it('accepts offsets and fractional seconds in occurredAt', () => {
    for (const occurredAt of [
      '2024-05-01T12:02:00+02:00',
      '2024-05-01T10:02:00.123456Z',
      '2024-02-29T00:00:00Z',
    ]) {
      expect(E.isRight(EventMetadata.decode({ ...metadata, occurredAt }))).toBe(true);
    }
  });
});

describe('envelopeCodec', () => {
  const codec = envelopeCodec(t.type({ n: t.number }));

  it('decodes {metadata, data} and ignores unknown fields at every level', () => {
    const input = {
      metadata: { ...metadata, extra: 1 },
      data: { n: 1, extra: 2 },
      streamId: `order#${ORDER_ID}`,
    };
    const decoded = codec.decode(input);
    expect(E.isRight(decoded) && decoded.right.data.n).toBe(1);
  });

  it('rejects a wrong data shape', () => {
    expect(E.isLeft(codec.decode({ metadata, data: { n: 'one' } }))).toBe(true);
  });
});

describe('decodeOrderEnvelope', () => {
  it('decodes a stored item (with store-only attributes) into a typed envelope', () => {
    const stored = { streamId: `order#${ORDER_ID}`, version: 3, metadata, data };
    const decoded = decodeOrderEnvelope(stored);
    if (E.isLeft(decoded)) throw decoded.left;
    expect(decoded.right.metadata).toMatchObject(metadata);
    expect(eventOf(decoded.right)).toEqual({ type: 'PaymentAuthorized', data });
  });

  it('tolerates unknown fields in metadata and data (a newer producer)', () => {
    const decoded = decodeOrderEnvelope({
      metadata: { ...metadata, tenant: 'acme' },
      data: { ...data, network: 'visa' },
    });
    expect(E.isRight(decoded)).toBe(true);
  });

  it('reports metadata problems under metadata.*', () => {
    expect(
      issues(decodeOrderEnvelope({ metadata: { ...metadata, version: 0, causationId: undefined }, data })),
    ).toEqual([
      { path: 'metadata.version', rule: 'type' },
      { path: 'metadata.causationId', rule: 'required' },
    ]);
  });

  it('reports an unknown event type under metadata.type', () => {
    expect(issues(decodeOrderEnvelope({ metadata: { ...metadata, type: 'AlertRaised' }, data }))).toEqual([
      { path: 'metadata.type', rule: 'unknownEventType' },
    ]);
  });

  it('reports data problems under data.*, checked against the codec of metadata.type', () => {
    expect(issues(decodeOrderEnvelope({ metadata, data: { ...data, amount: -1 } }))).toEqual([
      { path: 'data.amount', rule: 'type' },
    ]);
    expect(issues(decodeOrderEnvelope({ metadata: { ...metadata, type: 'PaymentDeclined' }, data }))).toEqual(
      [{ path: 'data.reason', rule: 'required' }],
    );
  });

  it('refuses data that belongs to another order than the metadata says', () => {
    expect(issues(decodeOrderEnvelope({ metadata, data: { ...data, orderId: 'ord_other' } }))).toEqual([
      { path: 'data.orderId', rule: 'mismatch' },
    ]);
  });

  it('rejects a missing envelope', () => {
    expect(issues(decodeOrderEnvelope(undefined))).toEqual([{ path: '', rule: 'required' }]);
  });
});

describe('toEnvelopes', () => {
  const ids = (): (() => string) => {
    let n = 0;
    return () => `evt-${(n += 1)}`;
  };

  it('numbers events after the current version and stamps the shared metadata', () => {
    const decided = [
      ...events(cmd.refund(), states.captured()),
      { type: 'OrderCancelled', data: { orderId: ORDER_ID, reason: 'SAGA_FAILED' } } as const,
    ];
    const envelopes = toEnvelopes(decided, {
      orderId: ORDER_ID,
      currentVersion: 5,
      occurredAt: '2024-05-01T11:00:00.000Z',
      correlationId: 'corr-9',
      causationId: 'cmd-9',
      newEventId: ids(),
    });
    expect(envelopes.map((e) => e.metadata)).toEqual([
      {
        eventId: 'evt-1',
        type: 'PaymentRefunded',
        version: 6,
        schemaVersion: 1,
        occurredAt: '2024-05-01T11:00:00.000Z',
        correlationId: 'corr-9',
        causationId: 'cmd-9',
        orderId: ORDER_ID,
      },
      {
        eventId: 'evt-2',
        type: 'OrderCancelled',
        version: 7,
        schemaVersion: 1,
        occurredAt: '2024-05-01T11:00:00.000Z',
        correlationId: 'corr-9',
        causationId: 'cmd-9',
        orderId: ORDER_ID,
      },
    ]);
    expect(envelopes.map((e) => e.data)).toEqual(decided.map((e) => e.data));
  });

  it('produces envelopes that survive JSON and decode back to themselves', () => {
    const envelopes = toEnvelopes(events(cmd.place(), undefined), {
      orderId: ORDER_ID,
      currentVersion: 0,
      occurredAt: '2024-05-01T10:00:00.000Z',
      correlationId: ORDER_ID,
      causationId: 'req-1',
      newEventId: ids(),
    });
    for (const envelope of envelopes) {
      expect(decodeOrderEnvelope(JSON.parse(JSON.stringify(envelope)))).toEqual(
        E.right(envelope as OrderEventEnvelope),
      );
    }
  });

  it('returns nothing for no events', () => {
    const newEventId = jest.fn(() => 'unused');
    expect(
      toEnvelopes([], {
        orderId: ORDER_ID,
        currentVersion: 3,
        occurredAt: '2024-05-01T10:00:00.000Z',
        correlationId: 'c',
        causationId: 'c',
        newEventId,
      }),
    ).toEqual([]);
    expect(newEventId).not.toHaveBeenCalled();
  });
});
