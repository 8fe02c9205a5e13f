import type { AlertEvent } from '../../domain/analytics';
import {
  evaluate,
  initialCepState,
  type AnyRule,
  type Input,
  type RuleConfigs,
} from '../../domain/analytics/rules';
import {
  CepStateMoved,
  type AlertItemWrite,
  type AlertSink,
  type AlertsStore,
  type AnomalyProgress,
  type CepRecord,
  type PendingAlert,
  type StoredCepRecord,
} from './alerts-store';
import type { PartitionRecord } from './count-order-events';
import { planAnomalies, type AnomalyOutcome, type AnomalyPlan, type AnomalyScoring } from './tick-anomalies';

/*
 * The alerts pipeline: the CEP engine (src/domain/analytics/rules) over the order-events topic and timer
 * ticks, with ONE state item for the whole topic (velocity is per customer, decline spike is global, so
 * rules span partitions). Exactly once over redelivery: the state keeps each partition's next offset and
 * a record below it is skipped. The alerts an evaluation produces are committed with the state, as alert
 * items and as an "unpublished" list, and put on the bus afterwards; leftovers (PutEvents failed, the
 * function died) are published by a later invocation. alertId is deterministic, so subscribers drop the
 * rare repeat (an invocation that dies between PutEvents and marking them published).
 */

export interface CepSettings {
  readonly rules: readonly AnyRule[];
  readonly configs: RuleConfigs;
  /** Another invocation's unpublished alerts are taken over once committed this long ago. */
  readonly leftoverGraceMs: number;
  /** Conflicting commits before the invocation gives up (and its batch is retried). */
  readonly maxAttempts: number;
}

export const DEFAULT_CEP_SETTINGS = { leftoverGraceMs: 30_000, maxAttempts: 20 } as const;

export interface AlertsDependencies {
  readonly store: AlertsStore;
  readonly sink: AlertSink;
  readonly settings: CepSettings;
  readonly clock?: () => number;
  /** The tick scores the per-minute series when given (the alerts timer); the consumer never does. */
  readonly anomaly?: AnomalyScoring;
}

export interface PartitionBatch {
  readonly partition: string;
  readonly records: readonly PartitionRecord[];
}

export interface AlertsOutcome {
  /** The alerts this invocation committed (each once: a conflicting attempt's are not counted). */
  readonly committed: readonly AlertEvent[];
  /** Records skipped because their offsets were evaluated before. */
  readonly alreadyEvaluated: number;
  readonly published: number;
  /** Alerts this invocation tried to publish (its own and leftovers) and left for a later one. */
  readonly unpublished: number;
  readonly conflicts: number;
  /** Why PutEvents failed, when it did (the alerts stay listed for a later invocation). */
  readonly publishError?: string;
  /** What the tick's anomaly scoring did (ticks with a scorer only). */
  readonly anomaly?: AnomalyOutcome;
}

/** One delivery of order-events records (any partitions) through the rules. */
export async function detectAlerts(
  deps: AlertsDependencies,
  batches: readonly PartitionBatch[],
): Promise<AlertsOutcome> {
  let alreadyEvaluated = 0;
  const outcome = await advance(deps, (record) => {
    const offsets: Record<string, number> = { ...record.offsets };
    const inputs: Input[] = [];
    alreadyEvaluated = 0;
    for (const { partition, records } of batches) {
      for (const { offset, envelope } of records) {
        if (offset < (offsets[partition] ?? 0)) {
          alreadyEvaluated += 1;
          continue;
        }
        offsets[partition] = offset + 1;
        inputs.push({ kind: 'event', envelope });
      }
    }
    return inputs.length === 0 ? undefined : { inputs, offsets };
  });
  return { ...outcome, alreadyEvaluated };
}

/**
 * A timer tick: absence rules (stuck order, review SLA) see time pass without an event, and the closed
 * minutes not yet scored are scored for anomalies. Scoring runs before the commit, its alerts and the new
 * `anomaly` progress go into the same conditional write as the rule state; after a conflict the scores
 * are reused if the other invocation left the progress where this one scored from (the scorer is
 * deterministic, so scoring again from where it left it is safe too).
 */
export async function tickAlerts(deps: AlertsDependencies, now: number): Promise<AlertsOutcome> {
  const scoring = deps.anomaly;
  let last: { from: string; plan: AnomalyPlan } | undefined;
  const outcome = await advance(deps, async (record) => {
    const base = { inputs: [{ kind: 'tick', now }] as Input[], offsets: record.offsets };
    if (!scoring) return base;
    const from = JSON.stringify(record.anomaly ?? null);
    if (last?.from !== from) last = { from, plan: await planAnomalies(scoring, record.anomaly, now) };
    return { ...base, alerts: last.plan.events, anomaly: last.plan.progress };
  });
  return last ? { ...outcome, anomaly: last.plan.outcome } : outcome;
}

/** A DynamoDB transaction takes 100 items: the state and up to 99 alert items. */
const ITEMS_PER_COMMIT = 99;

const pendingKey = (write: AlertItemWrite): string => `${write.kind}|${write.data.alertId}`;
const eventKey = (event: AlertEvent): string =>
  `${event.type === 'AlertRaised' ? 'raised' : 'cleared'}|${event.data.alertId}`;

const eventOf = (write: AlertItemWrite): AlertEvent =>
  write.kind === 'raised'
    ? { type: 'AlertRaised', data: write.data }
    : { type: 'AlertCleared', data: write.data };

interface Planned {
  readonly inputs: readonly Input[];
  readonly offsets: Record<string, number>;
  /** Alerts decided outside the rules (the tick's anomaly scoring), committed with theirs. */
  readonly alerts?: readonly AlertEvent[];
  /** The anomaly progress to commit; the stored one is kept when absent. */
  readonly anomaly?: AnomalyProgress;
}

type Plan = (record: CepRecord) => Planned | undefined | Promise<Planned | undefined>;

async function advance(deps: AlertsDependencies, plan: Plan): Promise<AlertsOutcome> {
  const now = deps.clock ?? Date.now;
  const { rules, configs, maxAttempts } = deps.settings;
  let conflicts = 0;
  // Leftovers first: alerts another invocation committed and did not get onto the bus.
  let loaded = await deps.store.load();
  const leftovers = await deliver(
    deps,
    (pending) => now() - pending.committedAt >= deps.settings.leftoverGraceMs,
    loaded,
  );
  let published = leftovers.published;
  // The state is read once per attempt (one item, but all of it): again only when something wrote it.
  if (leftovers.due > 0) loaded = await deps.store.load();
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1) loaded = await deps.store.load();
    const stored: StoredCepRecord = loaded ?? {
      state: initialCepState(rules),
      offsets: {},
      raisedAt: {},
      unpublished: [],
      version: 0,
    };
    const planned = await plan(stored);
    if (!planned) {
      return {
        committed: [],
        alreadyEvaluated: 0,
        published,
        unpublished: 0,
        conflicts,
        ...errorOf(leftovers),
      };
    }
    const { state, alerts } = evaluate(rules, stored.state, planned.inputs, configs);
    const produced: AlertEvent[] = [...alerts, ...(planned.alerts ?? [])];
    const raisedAt = new Map(Object.entries(stored.raisedAt));
    const writes: AlertItemWrite[] = produced.map((alert) => {
      if (alert.type === 'AlertRaised') {
        raisedAt.set(alert.data.alertId, alert.data.raisedAt);
        return { kind: 'raised', data: alert.data };
      }
      const at = raisedAt.get(alert.data.alertId) ?? alert.data.clearedAt;
      raisedAt.delete(alert.data.alertId);
      return { kind: 'cleared', data: alert.data, raisedAt: at };
    });
    const committedAt = now();
    const anomaly = planned.anomaly ?? stored.anomaly;
    const pending: PendingAlert[] = writes.map((write, i) => ({
      write,
      committedAt,
      stored: i < ITEMS_PER_COMMIT,
    }));
    const record: CepRecord = {
      state,
      offsets: planned.offsets,
      raisedAt: Object.fromEntries(raisedAt),
      unpublished: [...stored.unpublished, ...pending],
      ...(anomaly === undefined ? {} : { anomaly }),
    };
    try {
      await deps.store.commit(record, stored.version, writes.slice(0, ITEMS_PER_COMMIT));
    } catch (error) {
      if (!(error instanceof CepStateMoved) || attempt >= maxAttempts) throw error;
      conflicts += 1;
      continue;
    }
    const own = new Set(writes.map(pendingKey));
    const mine = await deliver(deps, (p) => own.has(pendingKey(p.write)), {
      ...record,
      version: stored.version + 1,
    });
    published += mine.published;
    return {
      committed: produced,
      alreadyEvaluated: 0,
      published,
      unpublished: leftovers.due - leftovers.published + writes.length - mine.published,
      conflicts,
      ...errorOf(mine.error === undefined ? leftovers : mine),
    };
  }
}

/**
 * Puts the chosen unpublished alerts on the bus (writing first the items a commit had no room for), then
 * removes those the bus took from the list. A failed PutEvents leaves them for a later invocation.
 */
interface Delivery {
  /** Alerts chosen for delivery. */
  readonly due: number;
  readonly published: number;
  readonly error?: string;
}

const errorOf = (delivery: Delivery): { publishError?: string } =>
  delivery.error === undefined ? {} : { publishError: delivery.error };

async function deliver(
  deps: AlertsDependencies,
  chosen: (pending: PendingAlert) => boolean,
  /** The state as last read or written by this invocation; read again only after a conflict. */
  stored: StoredCepRecord | undefined,
): Promise<Delivery> {
  const due = stored?.unpublished.filter(chosen) ?? [];
  if (due.length === 0) return { due: 0, published: 0 };
  await deps.store.writeItems(due.filter((p) => !p.stored).map((p) => p.write));
  let failed: readonly AlertEvent[];
  try {
    ({ failed } = await deps.sink.publish(due.map((p) => eventOf(p.write))));
  } catch (error) {
    // The bus is unreachable: every one stays unpublished, for a later invocation.
    return { due: due.length, published: 0, error: error instanceof Error ? error.message : String(error) };
  }
  const failedKeys = new Set(failed.map(eventKey));
  const done = new Set(due.map((p) => pendingKey(p.write)).filter((key) => !failedKeys.has(key)));
  const error = failed.length > 0 ? `the bus refused ${failed.length} alert event(s)` : undefined;
  const result = { due: due.length, published: done.size, ...(error === undefined ? {} : { error }) };
  if (done.size === 0) return result;
  let current = stored;
  for (let attempt = 1; attempt <= deps.settings.maxAttempts; attempt += 1) {
    if (attempt > 1) current = await deps.store.load();
    if (!current) return result;
    const { version, ...record } = current;
    try {
      await deps.store.commit(
        { ...record, unpublished: record.unpublished.filter((p) => !done.has(pendingKey(p.write))) },
        version,
        [],
      );
      return result;
    } catch (moved) {
      if (!(moved instanceof CepStateMoved)) throw moved;
    }
  }
  // Still listed: a later invocation publishes them again, and subscribers drop the repeat by alertId.
  return result;
}
