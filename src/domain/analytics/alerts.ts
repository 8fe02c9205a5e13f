import * as t from 'io-ts';
import { IsoDateTime, NonEmptyString } from '../shared/codecs';

/*
 * The events analytics publishes to the bus (source `orderflow.analytics`). AlertRaised is routed by the
 * stack's alerts rule to the alerts topic; AlertCleared goes to the bus for whoever tracks open alerts.
 * `alertId` is derived from rule, subject and window start, so a redelivered batch that raises the same
 * alert again produces the same id and subscribers can drop the repeat.
 */

export const ALERTS_SOURCE = 'orderflow.analytics';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const AlertSeverity = t.keyof({ info: null, warning: null, critical: null }, 'AlertSeverity');

export const AlertWindow = t.readonly(t.type({ start: IsoDateTime, end: IsoDateTime }), 'AlertWindow');
export type AlertWindow = t.TypeOf<typeof AlertWindow>;

export const AlertRaisedData = t.readonly(
  t.type({
    alertId: NonEmptyString,
    ruleId: NonEmptyString,
    severity: AlertSeverity,
    /** What the alert is about: a customer id, an order id, `payments`, `reviews`, a series name. */
    subject: NonEmptyString,
    /** For humans: what crossed which threshold. */
    summary: NonEmptyString,
    /** Envelope ids of the events that matched (the first ones, at most MAX_EVIDENCE). */
    evidence: t.readonlyArray(NonEmptyString),
    window: AlertWindow,
    raisedAt: IsoDateTime,
  }),
  'AlertRaisedData',
);
export type AlertRaisedData = t.TypeOf<typeof AlertRaisedData>;

export const AlertClearedData = t.readonly(
  t.type({
    alertId: NonEmptyString,
    ruleId: NonEmptyString,
    subject: NonEmptyString,
    clearedAt: IsoDateTime,
  }),
  'AlertClearedData',
);
export type AlertClearedData = t.TypeOf<typeof AlertClearedData>;

export const alertDataCodecs = { AlertRaised: AlertRaisedData, AlertCleared: AlertClearedData } as const;

export type AlertEvent =
  | { readonly type: 'AlertRaised'; readonly data: AlertRaisedData }
  | { readonly type: 'AlertCleared'; readonly data: AlertClearedData };

export const MAX_EVIDENCE = 50;

export const alertIdOf = (ruleId: string, subject: string, windowStartMs: number): string =>
  `${ruleId}:${subject}:${new Date(windowStartMs).toISOString()}`;
