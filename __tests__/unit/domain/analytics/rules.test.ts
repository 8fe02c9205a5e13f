import { AlertRaisedData, type AlertEvent } from '../../../../src/domain/analytics';
import {
  type AnyRule,
  type CepState,
  declineSpike,
  evaluate,
  initialCepState,
  type Input,
  ORDER_STREAM_RULES,
  reviewBacklog,
  stuckOrder,
  velocity,
} from '../../../../src/domain/analytics/rules';
import type { OrderEventEnvelope } from '../../../../src/domain/orders';
import * as E from 'fp-ts/Either';
import {
  at,
  authorized,
  cancelled,
  confirmed,
  declined,
  placed,
  reviewApproved,
  reviewRequested,
} from './fixtures';

/** Runs one rule over inputs, collecting every alert it emits. */
const run = (rule: AnyRule, inputs: readonly (OrderEventEnvelope | Input)[], config?: unknown) => {
  let state: CepState = initialCepState([rule]);
  const alerts: AlertEvent[] = [];
  for (const item of inputs) {
    const input: Input = 'kind' in item ? item : { kind: 'event', envelope: item };
    const result = evaluate([rule], state, [input], config === undefined ? {} : { [rule.id]: config });
    state = result.state;
    alerts.push(...result.alerts);
  }
  return { state, alerts };
};

const tick = (now: number): Input => ({ kind: 'tick', now });
const types = (alerts: readonly AlertEvent[]) =>
  alerts.map((a) => `${a.type}:${a.data.ruleId}:${a.data.subject}`);

describe('velocity', () => {
  const cfg = { windowMs: 10 * 60_000, maxOrders: 3, maxTotal: 10_000 };
  const orders = (n: number, customerId = 'cust-1', total = 1000) =>
    Array.from({ length: n }, (_, i) => placed(`v${customerId}${i}`, at(i), { customerId, total }));

  it('raises once when a customer places more than N orders within the window, with the orders as evidence', () => {
    const events = orders(5);
    const { alerts } = run(velocity, events, cfg);
    expect(types(alerts)).toEqual(['AlertRaised:velocity:cust-1']);
    const [alert] = alerts;
    expect(alert?.type === 'AlertRaised' && alert.data.evidence).toEqual(
      events.slice(0, 4).map((e) => e.metadata.eventId),
    );
    expect(E.isRight(AlertRaisedData.decode(alert?.data))).toBe(true);
  });

  it('does not fire at the threshold, nor for orders spread beyond the window, nor across customers', () => {
    expect(run(velocity, orders(3), cfg).alerts).toEqual([]);
    const spread = Array.from({ length: 6 }, (_, i) => placed(`s${i}`, at(i * 4)));
    expect(run(velocity, spread, cfg).alerts).toEqual([]);
    expect(run(velocity, [...orders(2, 'a'), ...orders(2, 'b')], cfg).alerts).toEqual([]);
  });

  it('fires on the total in one currency', () => {
    const { alerts } = run(
      velocity,
      [placed('big1', at(0), { total: 6000 }), placed('big2', at(1), { total: 6000 })],
      cfg,
    );
    expect(types(alerts)).toEqual(['AlertRaised:velocity:cust-1']);
  });

  it('counts a redelivered order once', () => {
    const events = orders(3);
    expect(run(velocity, [...events, ...events.slice(1).reverse()], cfg).alerts).toEqual([]);
  });

  it('clears when the orders slide out of the window (on a tick), and raises again with a new id later', () => {
    const { alerts } = run(
      velocity,
      [...orders(4), tick(at(14)), ...orders(4).map((e, i) => placed(`again${i}`, at(20 + i)))],
      cfg,
    );
    expect(types(alerts)).toEqual([
      'AlertRaised:velocity:cust-1',
      'AlertCleared:velocity:cust-1',
      'AlertRaised:velocity:cust-1',
    ]);
    expect(alerts[1]?.data.alertId).toBe(alerts[0]?.data.alertId);
    expect(alerts[2]?.data.alertId).not.toBe(alerts[0]?.data.alertId);
  });
});

describe('decline spike', () => {
  const cfg = { windowMs: 5 * 60_000, maxDeclineRate: 0.5, minAttempts: 4 };

  it('raises when declines exceed the rate with enough attempts, with the declines as evidence', () => {
    const events = [
      authorized('a', at(0)),
      declined('b', at(0, 10)),
      declined('c', at(0, 20)),
      declined('d', at(0, 30)),
    ];
    const { alerts } = run(declineSpike, events, cfg);
    expect(types(alerts)).toEqual(['AlertRaised:decline-spike:payments']);
    expect(alerts[0]?.type === 'AlertRaised' && alerts[0].data.evidence).toEqual(
      events.slice(1).map((e) => e.metadata.eventId),
    );
  });

  it('does not fire with too few attempts, or at the rate exactly', () => {
    expect(
      run(declineSpike, [declined('b', at(0)), declined('c', at(0, 1)), declined('d', at(0, 2))], cfg).alerts,
    ).toEqual([]);
    const even = [
      authorized('a', at(0)),
      authorized('b', at(0, 1)),
      declined('c', at(0, 2)),
      declined('d', at(0, 3)),
    ];
    expect(run(declineSpike, even, cfg).alerts).toEqual([]);
  });

  it('raises once while it keeps holding, and clears when authorizations bring the rate down', () => {
    const events = [
      authorized('a', at(0)),
      declined('b', at(0, 10)),
      declined('c', at(0, 20)),
      declined('d', at(0, 30)),
      declined('e', at(0, 40)),
      ...Array.from({ length: 6 }, (_, i) => authorized(`ok${i}`, at(1, i))),
    ];
    expect(types(run(declineSpike, events, cfg).alerts)).toEqual([
      'AlertRaised:decline-spike:payments',
      'AlertCleared:decline-spike:payments',
    ]);
  });
});

describe('stuck order (absence)', () => {
  const cfg = { maxOpenMs: 15 * 60_000 };

  it('raises on a timer tick once the order has been open too long, without any new event', () => {
    const order = placed('stuck', at(0));
    const { alerts } = run(stuckOrder, [order, tick(at(10)), tick(at(16)), tick(at(17))], cfg);
    expect(types(alerts)).toEqual(['AlertRaised:stuck-order:stuck']);
    expect(alerts[0]?.type === 'AlertRaised' && alerts[0].data.evidence).toEqual([order.metadata.eventId]);
  });

  it('raises on a later event of another order too (event time moves the clock)', () => {
    expect(types(run(stuckOrder, [placed('stuck', at(0)), placed('other', at(16))], cfg).alerts)).toEqual([
      'AlertRaised:stuck-order:stuck',
    ]);
  });

  it('does not fire for an order that ends in time', () => {
    expect(run(stuckOrder, [placed('ok', at(0)), confirmed('ok', at(3)), tick(at(30))], cfg).alerts).toEqual(
      [],
    );
    expect(
      run(stuckOrder, [placed('no', at(0)), cancelled('no', at(3), 'PAYMENT_DECLINED'), tick(at(30))], cfg)
        .alerts,
    ).toEqual([]);
  });

  it('does not reopen an ended order when its OrderPlaced is delivered again', () => {
    const order = placed('ok', at(0));
    expect(run(stuckOrder, [order, confirmed('ok', at(3)), order, tick(at(30))], cfg).alerts).toEqual([]);
  });

  it('clears when the stuck order finally ends', () => {
    const { alerts } = run(stuckOrder, [placed('late', at(0)), tick(at(20)), confirmed('late', at(21))], cfg);
    expect(types(alerts)).toEqual(['AlertRaised:stuck-order:late', 'AlertCleared:stuck-order:late']);
  });
});

describe('review backlog', () => {
  const cfg = { maxWaiting: 2, slaMs: 30 * 60_000 };

  it('raises when more than K orders wait, and clears when reviews are done', () => {
    const { alerts } = run(
      reviewBacklog,
      [
        reviewRequested('r1', at(0)),
        reviewRequested('r2', at(1)),
        reviewRequested('r3', at(2)),
        reviewRequested('r3', at(2)),
        reviewApproved('r1', at(3)),
      ],
      cfg,
    );
    expect(types(alerts)).toEqual([
      'AlertRaised:review-backlog:reviews',
      'AlertCleared:review-backlog:reviews',
    ]);
  });

  it('raises when one order waits past its SLA, on a tick', () => {
    const request = reviewRequested('slow', at(0));
    const { alerts } = run(reviewBacklog, [request, tick(at(20)), tick(at(31))], cfg);
    expect(types(alerts)).toEqual(['AlertRaised:review-backlog:reviews']);
    expect(alerts[0]?.type === 'AlertRaised' && alerts[0].data.evidence).toEqual([request.metadata.eventId]);
  });

  it('does not fire at K waiting, nor once a cancelled order leaves the queue', () => {
    expect(
      run(reviewBacklog, [reviewRequested('r1', at(0)), reviewRequested('r2', at(1))], cfg).alerts,
    ).toEqual([]);
    expect(
      run(
        reviewBacklog,
        [reviewRequested('r1', at(0)), cancelled('r1', at(5), 'REVIEW_REJECTED'), tick(at(40))],
        cfg,
      ).alerts,
    ).toEqual([]);
  });
});

describe('the rule set', () => {
  it('is data: each rule has an id, a name, a severity and a default config', () => {
    expect(ORDER_STREAM_RULES.map((r) => r.id)).toEqual([
      'velocity',
      'decline-spike',
      'stuck-order',
      'review-backlog',
      'low-stock',
    ]);
    for (const rule of ORDER_STREAM_RULES) {
      expect(rule.name).not.toBe('');
      expect(rule.config).toEqual(expect.any(Object));
    }
  });

  it('keeps a JSON-serialisable state, so the consumer can store it between batches', () => {
    const { state } = run(velocity, [placed('j', at(0))]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('a batch of inputs', () => {
  const cfg = { windowMs: 10 * 60_000, maxOrders: 3, maxTotal: 1_000_000 };
  const configs = { [velocity.id]: cfg };
  const burst = (customerId: string, from: number) =>
    Array.from({ length: 5 }, (_, i) => placed(`b${customerId}${i}`, at(from + i), { customerId }));
  const events = (envelopes: readonly OrderEventEnvelope[]): Input[] =>
    envelopes.map((envelope) => ({ kind: 'event', envelope }));

  it('raises what event-by-event evaluation raises when the condition still holds at the batch end', () => {
    const inputs = events([...burst('c1', 0), ...burst('c2', 1)]);
    const oneByOne = run(velocity, inputs, cfg);
    const batched = evaluate([velocity], initialCepState([velocity]), inputs, configs);
    expect(types(batched.alerts)).toEqual(types(oneByOne.alerts));
    expect(batched.state.open).toEqual(oneByOne.state.open);
  });

  it('leaves the state it was given and every rule’s initial state unchanged', () => {
    const before = initialCepState(ORDER_STREAM_RULES);
    const snapshot = JSON.stringify(before);
    const initials = JSON.stringify(ORDER_STREAM_RULES.map((rule) => rule.initial));
    const after = evaluate(ORDER_STREAM_RULES, before, events(burst('c1', 0)), configs).state;
    evaluate(ORDER_STREAM_RULES, after, [tick(at(30))], configs);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(JSON.stringify(ORDER_STREAM_RULES.map((rule) => rule.initial))).toBe(initials);
    expect(Object.keys(after.ruleStates[velocity.id] as object)).toEqual(['c1']);
  });

  it('forgets, at the batch clock, subjects whose entries all left the window', () => {
    const { state } = evaluate([velocity], initialCepState([velocity]), events(burst('c1', 0)), configs);
    const later = evaluate(
      [velocity],
      state,
      events([placed('late-other', at(20), { customerId: 'c9' })]),
      configs,
    );
    expect(Object.keys(later.state.ruleStates[velocity.id] as object)).toEqual(['c9']);
    expect(types(later.alerts)).toEqual(['AlertCleared:velocity:c1']);
  });
});
