import type { ExpectedAlert } from './analytics-invariants';

/*
 * The small deterministic scenario a chaos run plays before its seeded orders, for the alert rules: one
 * customer places one order more than the velocity rule allows, another exactly as many as it allows,
 * and together their payments are a burst of authorization attempts of which more than the decline-spike
 * rule's rate were declined. The thresholds are the local stage's (serverless.yml custom.analytics.alerts,
 * the cloud's defaults): more than 5 orders per customer in 10 minutes; over 30 % of at least 10 attempts
 * declined within 5 minutes.
 */

export const VELOCITY_MAX_ORDERS = 5;
export const DECLINE_WINDOW_MS = 5 * 60_000;

/** A SKU of its own, stocked far above the low-stock threshold, so the run's stock invariant is untouched. */
export const ALERT_SCENARIO_SKU = 'CHAOS-ALERTS';
export const ALERT_SCENARIO_PRICE = 500;
export const ALERT_SCENARIO_STOCK = 1_000;

export interface ScenarioOrder {
  readonly customerId: string;
  readonly token: string;
}

export interface AlertScenario {
  /** Places VELOCITY_MAX_ORDERS + 1 orders (paid): velocity must be raised for it, once. */
  readonly fastCustomer: string;
  /** Places VELOCITY_MAX_ORDERS orders (declined): velocity must not be raised for it. */
  readonly steadyCustomer: string;
  readonly orders: readonly ScenarioOrder[];
}

/**
 * 6 paid orders and 5 declined ones: 11 attempts, 5 declined, so whichever 10 the rule sees first, at
 * least 4 of them (40 %) were declined, and it trips however the partitions interleave.
 */
export function planAlertScenario(runTag: string): AlertScenario {
  const fastCustomer = `chaos-${runTag}-velocity`;
  const steadyCustomer = `chaos-${runTag}-steady`;
  return {
    fastCustomer,
    steadyCustomer,
    orders: [
      ...Array.from({ length: VELOCITY_MAX_ORDERS + 1 }, () => ({
        customerId: fastCustomer,
        token: 'tok_visa',
      })),
      ...Array.from({ length: VELOCITY_MAX_ORDERS }, () => ({
        customerId: steadyCustomer,
        token: 'tok_decline',
      })),
    ],
  };
}

/** The per-customer alerts the scenario determines wherever it runs (the decline spike needs a quiet stack). */
export const velocityExpectations = (scenario: AlertScenario): ExpectedAlert[] => [
  {
    ruleId: 'velocity',
    subject: scenario.fastCustomer,
    raised: true,
    because: `${VELOCITY_MAX_ORDERS + 1} orders`,
  },
  {
    ruleId: 'velocity',
    subject: scenario.steadyCustomer,
    raised: false,
    because: `${VELOCITY_MAX_ORDERS} orders, at the limit`,
  },
];
