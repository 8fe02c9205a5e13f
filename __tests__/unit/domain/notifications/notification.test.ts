import * as E from 'fp-ts/Either';
import {
  composeNotification,
  decodeOutcomeMessage,
  outcomeAttributes,
  outcomeMessage,
  type OutcomeMessage,
} from '../../../../src/domain/notifications';
import type { OrderState } from '../../../../src/domain/orders';

const order = { orderId: 'O1', customerId: 'cust-1', total: 123456, currency: 'EUR' } as OrderState;

describe('order outcome messages', () => {
  it('builds a message for OrderConfirmed and OrderCancelled only', () => {
    const confirmed = outcomeMessage(
      { eventId: 'e1', type: 'OrderConfirmed', occurredAt: '2026-01-01T00:00:00Z' },
      order,
    );
    expect(confirmed).toEqual({
      eventId: 'e1',
      eventType: 'OrderConfirmed',
      orderId: 'O1',
      customerId: 'cust-1',
      total: 123456,
      currency: 'EUR',
      occurredAt: '2026-01-01T00:00:00Z',
    });
    expect(
      outcomeMessage({ eventId: 'e2', type: 'OrderPlaced', occurredAt: '2026-01-01T00:00:00Z' }, order),
    ).toBeUndefined();
  });

  it('exposes event type, reason and total (as a Number) for filter policies', () => {
    const cancelled = outcomeMessage(
      { eventId: 'e3', type: 'OrderCancelled', occurredAt: '2026-01-01T00:00:00Z', reason: 'OUT_OF_STOCK' },
      order,
    ) as OutcomeMessage;
    expect(outcomeAttributes(cancelled)).toEqual({
      eventType: { DataType: 'String', StringValue: 'OrderCancelled' },
      reason: { DataType: 'String', StringValue: 'OUT_OF_STOCK' },
      total: { DataType: 'Number', StringValue: '123456' },
      currency: { DataType: 'String', StringValue: 'EUR' },
    });
  });

  it('decodes what it encodes and refuses a message without an event id', () => {
    const message = outcomeMessage(
      { eventId: 'e1', type: 'OrderConfirmed', occurredAt: '2026-01-01T00:00:00Z' },
      order,
    );
    expect(decodeOutcomeMessage(JSON.parse(JSON.stringify(message)))).toEqual(E.right(message));
    const invalid = decodeOutcomeMessage({ ...message, eventId: '' });
    expect(E.isLeft(invalid) && invalid.left.details.map((d) => d.path)).toEqual(['eventId']);
  });

  it('keys each notification by channel and event, and words it for its reader', () => {
    const message = outcomeMessage(
      {
        eventId: 'e9',
        type: 'OrderCancelled',
        occurredAt: '2026-01-01T00:00:00Z',
        reason: 'PAYMENT_DECLINED',
      },
      order,
    ) as OutcomeMessage;
    const email = composeNotification('customer-email', message, '2026-01-01T00:00:01Z');
    const ops = composeNotification('ops-alert', message, '2026-01-01T00:00:01Z');
    expect(email).toMatchObject({ notificationId: 'customer-email#e9', recipient: 'cust-1', orderId: 'O1' });
    expect(email.text).toContain('the payment was declined');
    expect(ops).toMatchObject({ notificationId: 'ops-alert#e9', recipient: 'operations' });
    expect(ops.text).toContain('1234.56 EUR');
  });
});
