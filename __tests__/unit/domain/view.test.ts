import { type OrderView, toView } from '../../../src/domain/orders';
import { cmd, execute, ORDER_ID, PLACED_AT, states, PRICED_LINES, TOTAL } from './fixtures';

describe('toView', () => {
  it('shows a live order with exactly the view fields', () => {
    const state = states.authorized();
    const expected: OrderView = {
      orderId: ORDER_ID,
      customerId: 'cust-42',
      status: 'PAYMENT_AUTHORIZED',
      items: PRICED_LINES,
      total: TOTAL,
      currency: 'USD',
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      version: 3,
      placedAt: PLACED_AT,
    };
    expect(toView(state)).toEqual(expected);
    expect(Object.keys(toView(state))).not.toContain('cancellationReason');
  });

  it('tracks the last event: updatedAt moves on, createdAt stays', () => {
    const state = states.confirmed();
    const view = toView(state);
    expect(view.version).toBe(6);
    expect(view.updatedAt > view.createdAt).toBe(true);
    expect(view.createdAt).toBe(toView(states.pending()).createdAt);
  });

  it('shows why a cancelled order was cancelled', () => {
    const cancelled = execute(states.reserved(), cmd.cancel('OUT_OF_STOCK')).state;
    expect(toView(cancelled)).toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
  });

  it('exposes neither the payment token, the address nor payment ids', () => {
    const json = JSON.stringify(toView(states.confirmed()));
    for (const secret of ['tok_approve', 'Main St', 'auth-1', 'cap-1', 'shp-1'])
      expect(json).not.toContain(secret);
  });

  it('does not share arrays with the state', () => {
    const state = states.pending();
    expect(toView(state).items).not.toBe(state.items);
    expect(toView(state).items).toEqual(state.items);
  });
});
