import { type AlertEvent, type AlertSeverity, alertIdOf, MAX_EVIDENCE } from '../alerts';
import type { OrderEventEnvelope } from '../../orders/order-envelopes';
import { type Condition, eventTime, type Rule } from './rule';

/*
 * Runs the rules over a batch of inputs and turns their conditions into alerts: AlertRaised when a
 * subject's condition starts to hold, nothing while it keeps holding (once per rule, subject and
 * window), AlertCleared when it stops. The open alerts are part of the state the consumer stores.
 * Conditions are read once per batch, at the batch's clock (its latest event time, or the tick): what
 * holds and stops holding again between two events of one batch is not reported, the usual
 * micro-batch trade of stream processors, and what keeps the cost of a batch linear in its events.
 */

export interface OpenAlert {
  readonly alertId: string;
  readonly ruleId: string;
  readonly subject: string;
}

// Rules differ in their config and state types; the engine only passes them back to the same rule.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any, any>;

export interface CepState {
  /** Latest time seen (event time, or a tick's clock): rules evaluate at this instant. */
  readonly clock: number | null;
  readonly ruleStates: Readonly<Record<string, unknown>>;
  /** Open alerts by `${ruleId}|${subject}`. */
  readonly open: Readonly<Record<string, OpenAlert>>;
}

export const initialCepState = (rules: readonly AnyRule[]): CepState => ({
  clock: null,
  ruleStates: Object.fromEntries(rules.map((rule) => [rule.id, structuredClone(rule.initial)])),
  open: {},
});

/** An event (evaluated at its event time, or later if later events were seen) or a timer tick. */
export type Input =
  | { readonly kind: 'event'; readonly envelope: OrderEventEnvelope }
  | { readonly kind: 'tick'; readonly now: number };

const openKey = (ruleId: string, subject: string): string => `${ruleId}|${subject}`;

const iso = (ms: number): string => new Date(ms).toISOString();

const raised = (
  rule: AnyRule,
  condition: Extract<Condition, { holds: true }>,
  severity: AlertSeverity,
  alertId: string,
  now: number,
): AlertEvent => ({
  type: 'AlertRaised',
  data: {
    alertId,
    ruleId: rule.id,
    severity,
    subject: condition.subject,
    summary: condition.summary,
    evidence: condition.evidence.slice(0, MAX_EVIDENCE),
    window: { start: iso(condition.windowStart), end: iso(condition.windowEnd) },
    raisedAt: iso(now),
  },
});

/** Per-rule config overrides (per stage); a rule's own `config` is its default. */
export type RuleConfigs = Readonly<Record<string, unknown>>;

const inputTime = (input: Input): number => (input.kind === 'tick' ? input.now : eventTime(input.envelope));

export const evaluate = (
  rules: readonly AnyRule[],
  state: CepState,
  inputs: readonly Input[],
  configs: RuleConfigs = {},
): { readonly state: CepState; readonly alerts: readonly AlertEvent[] } => {
  if (inputs.length === 0) return { state, alerts: [] };
  const configOf = (rule: AnyRule): unknown => configs[rule.id] ?? rule.config;
  // The rules change their states in place (see Rule): this batch works on its own copy.
  const ruleStates: Record<string, unknown> = structuredClone(state.ruleStates);
  for (const rule of rules) ruleStates[rule.id] ??= structuredClone(rule.initial);
  let now = state.clock ?? inputTime(inputs[0] as Input);
  for (const input of inputs) {
    now = Math.max(now, inputTime(input));
    if (input.kind !== 'event') continue;
    for (const rule of rules)
      rule.observe(ruleStates[rule.id], { envelope: input.envelope, now }, configOf(rule));
  }
  const open = new Map<string, OpenAlert>(Object.entries(state.open));
  const alerts: AlertEvent[] = [];
  for (const rule of rules) {
    const config = configOf(rule);
    rule.forget(ruleStates[rule.id], now, config);
    const holding = new Set<string>();
    for (const condition of rule.conditions(ruleStates[rule.id], now, config)) {
      if (!condition.holds) continue;
      holding.add(condition.subject);
      const key = openKey(rule.id, condition.subject);
      if (open.has(key)) continue;
      const alertId = alertIdOf(rule.id, condition.subject, condition.windowStart);
      open.set(key, { alertId, ruleId: rule.id, subject: condition.subject });
      alerts.push(raised(rule, condition, rule.severity, alertId, now));
    }
    for (const [key, alert] of open) {
      if (alert.ruleId !== rule.id || holding.has(alert.subject)) continue;
      open.delete(key);
      alerts.push({
        type: 'AlertCleared',
        data: { alertId: alert.alertId, ruleId: rule.id, subject: alert.subject, clearedAt: iso(now) },
      });
    }
  }
  return { state: { clock: now, ruleStates, open: Object.fromEntries(open) }, alerts };
};
