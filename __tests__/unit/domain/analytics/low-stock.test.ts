import * as E from 'fp-ts/Either';
import { AlertRaisedData, type AlertEvent } from '../../../../src/domain/analytics';
import {
  type CepState,
  evaluate,
  initialCepState,
  type Input,
  lowStock,
  type LowStockConfig,
  type LowStockState,
} from '../../../../src/domain/analytics/rules';
import { MAX_REPORTS } from '../../../../src/domain/analytics/rules/low-stock';
import type { OrderEventEnvelope } from '../../../../src/domain/orders';
import { at, envelope, placed } from './fixtures';

const cfg: LowStockConfig = {
  threshold: 5,
  thresholds: { 'SKU-RARE': 2 },
  retentionMs: 60 * 60_000,
  maxSkus: 100,
};

type Line = readonly [sku: string, available: number | undefined];

const lines = (items: readonly Line[]) =>
  items.map(([sku, available]) =>
    available === undefined ? { sku, quantity: 1 } : { sku, quantity: 1, available },
  );

/** InventoryReserved of order `orderId` at `atMs`, reporting the stock left per SKU. */
const reserved = (orderId: string, atMs: number, ...items: Line[]): OrderEventEnvelope =>
  envelope(orderId, { type: 'InventoryReserved', data: { orderId, reservations: lines(items) } }, atMs, {
    version: 2,
  });

const released = (orderId: string, atMs: number, ...items: Line[]): OrderEventEnvelope =>
  envelope(orderId, { type: 'InventoryReleased', data: { orderId, released: lines(items) } }, atMs, {
    version: 4,
  });

const tick = (now: number): Input => ({ kind: 'tick', now });

/** Runs the rule through the engine, as the consumer does, collecting every alert. */
const run = (inputs: readonly (OrderEventEnvelope | Input)[], config: LowStockConfig = cfg) => {
  let state: CepState = initialCepState([lowStock]);
  const alerts: AlertEvent[] = [];
  for (const item of inputs) {
    const input: Input = 'kind' in item ? item : { kind: 'event', envelope: item };
    const result = evaluate([lowStock], state, [input], { [lowStock.id]: config });
    state = result.state;
    alerts.push(...result.alerts);
  }
  return { state, alerts, ruleState: state.ruleStates[lowStock.id] as LowStockState };
};

const types = (alerts: readonly AlertEvent[]) => alerts.map((a) => `${a.type}:${a.data.subject}`);
const evidenceOf = (alert: AlertEvent | undefined) =>
  alert?.type === 'AlertRaised' ? alert.data.evidence : undefined;

describe('low stock', () => {
  it('raises when a reservation leaves a SKU below its threshold, with that event as evidence', () => {
    const low = reserved('o2', at(1), ['SKU-1', 4]);
    const { alerts } = run([reserved('o1', at(0), ['SKU-1', 5]), low]);
    expect(types(alerts)).toEqual(['AlertRaised:SKU-1']);
    const [alert] = alerts;
    expect(evidenceOf(alert)).toEqual([low.metadata.eventId]);
    expect(alert?.type === 'AlertRaised' && alert.data).toMatchObject({
      ruleId: 'low-stock',
      severity: 'warning',
      summary: 'SKU-1: 4 available, below its threshold of 5',
      window: { start: new Date(at(1)).toISOString(), end: new Date(at(1)).toISOString() },
    });
    expect(E.isRight(AlertRaisedData.decode(alert?.data))).toBe(true);
  });

  it('does not fire at the threshold, nor for lines without `available` (events stored before it)', () => {
    expect(run([reserved('o1', at(0), ['SKU-1', 5])]).alerts).toEqual([]);
    expect(run([reserved('o1', at(0), ['SKU-1', undefined])]).alerts).toEqual([]);
    expect(run([placed('o1', at(0)), released('o1', at(1), ['SKU-1', 9])]).alerts).toEqual([]);
  });

  it('uses a per-SKU threshold from the config before the default', () => {
    expect(run([reserved('o1', at(0), ['SKU-RARE', 2])]).alerts).toEqual([]);
    expect(types(run([reserved('o1', at(0), ['SKU-RARE', 1])]).alerts)).toEqual(['AlertRaised:SKU-RARE']);
    const noRare = { ...cfg, thresholds: { 'SKU-RARE': 0 } };
    expect(run([reserved('o1', at(0), ['SKU-RARE', 0])], noRare).alerts).toEqual([]);
  });

  it('judges each SKU of an event on its own', () => {
    const { alerts } = run([reserved('o1', at(0), ['SKU-1', 3], ['SKU-2', 50], ['SKU-3', 0])]);
    expect(types(alerts)).toEqual(['AlertRaised:SKU-1', 'AlertRaised:SKU-3']);
  });

  it('raises once while it holds, with every report since it went below as evidence', () => {
    const reports = [
      reserved('o1', at(0), ['SKU-1', 4]),
      reserved('o2', at(1), ['SKU-1', 3]),
      released('o3', at(2), ['SKU-1', 4]),
    ];
    const { alerts, state } = run([reserved('o0', at(-1), ['SKU-1', 6]), ...reports]);
    expect(types(alerts)).toEqual(['AlertRaised:SKU-1']);
    expect(evidenceOf(alerts[0])).toEqual([reports[0]?.metadata.eventId]);
    const conditions = lowStock.conditions(state.ruleStates[lowStock.id] as LowStockState, at(2), cfg);
    expect(conditions).toEqual([
      expect.objectContaining({
        subject: 'SKU-1',
        holds: true,
        evidence: reports.map((r) => r.metadata.eventId),
        windowStart: at(0),
        windowEnd: at(2),
      }),
    ]);
  });

  it('clears when a release brings it back to the threshold, and raises a new alert when it drops again', () => {
    const { alerts } = run([
      reserved('o1', at(0), ['SKU-1', 2]),
      released('o1', at(1), ['SKU-1', 5]),
      reserved('o2', at(2), ['SKU-1', 6]),
      reserved('o3', at(3), ['SKU-1', 1]),
    ]);
    expect(types(alerts)).toEqual(['AlertRaised:SKU-1', 'AlertCleared:SKU-1', 'AlertRaised:SKU-1']);
    expect(alerts[1]?.data.alertId).toBe(alerts[0]?.data.alertId);
    expect(alerts[2]?.data.alertId).not.toBe(alerts[0]?.data.alertId);
  });

  it('takes the latest report by event time: a late older report changes nothing', () => {
    const late = reserved('late', at(0), ['SKU-1', 1]);
    expect(run([reserved('o1', at(1), ['SKU-1', 20]), late]).alerts).toEqual([]);
    const { alerts } = run([
      reserved('o1', at(1), ['SKU-1', 1]),
      released('early', at(0, 30), ['SKU-1', 40]),
    ]);
    expect(types(alerts)).toEqual(['AlertRaised:SKU-1']);
  });

  it('is idempotent per event id: a redelivered report changes neither the state nor the alerts', () => {
    const drop = reserved('o1', at(0), ['SKU-1', 4]);
    const recover = released('o1', at(1), ['SKU-1', 9]);
    const once = run([drop, recover]);
    const twice = run([drop, drop, recover, drop, recover]);
    expect(twice.ruleState).toEqual(once.ruleState);
    expect(types(twice.alerts)).toEqual(['AlertRaised:SKU-1', 'AlertCleared:SKU-1']);
  });

  it('keeps a JSON-serialisable state with at most MAX_REPORTS reports per SKU', () => {
    const reports = Array.from({ length: MAX_REPORTS + 5 }, (_, i) =>
      reserved(`o${i}`, at(i), ['SKU-1', 100 - i]),
    );
    const { ruleState } = run(reports);
    expect(JSON.parse(JSON.stringify(ruleState))).toEqual(ruleState);
    expect(ruleState['SKU-1']).toHaveLength(MAX_REPORTS);
    expect(ruleState['SKU-1']?.[MAX_REPORTS - 1]?.eventId).toBe(reports.at(-1)?.metadata.eventId);
  });

  it('forgets a SKU that is not low once its latest report is past retention, and ignores later redeliveries', () => {
    const ok = reserved('o1', at(0), ['SKU-1', 30]);
    const low = reserved('o2', at(0), ['SKU-2', 1]);
    const { ruleState, alerts } = run([ok, low, tick(at(61)), reserved('old', at(0, 10), ['SKU-1', 1])]);
    expect(Object.keys(ruleState)).toEqual(['SKU-2']);
    expect(types(alerts)).toEqual(['AlertRaised:SKU-2']);
  });

  it('caps the number of SKUs, dropping those not low first', () => {
    const capped = { ...cfg, maxSkus: 2 };
    const { ruleState, alerts } = run(
      [
        reserved('o1', at(0), ['SKU-LOW', 1]),
        reserved('o2', at(1), ['SKU-A', 30]),
        reserved('o3', at(2), ['SKU-B', 30]),
      ],
      capped,
    );
    expect(Object.keys(ruleState).sort()).toEqual(['SKU-B', 'SKU-LOW']);
    expect(types(alerts)).toEqual(['AlertRaised:SKU-LOW']);
  });
});
