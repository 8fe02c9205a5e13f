import middy from '@middy/core';
import * as steps from './steps';
import { inventoryStore, orderEventStore, paymentProvider } from './dependencies';

/*
 * The saga's Task functions (lambda:invoke with the payload the state machine builds). What a step
 * throws reaches Step Functions as an error named after its class, which Retry and Catch match on.
 */

const deps = (): steps.StepDeps => ({
  store: orderEventStore(),
  inventory: inventoryStore(),
  payments: paymentProvider(),
});

const step = <I, O>(run: (deps: steps.StepDeps, input: I) => Promise<O>) =>
  middy<I, O>().handler((input) => run(deps(), input));

export const reserveInventory = step(steps.reserveInventory);
export const authorizePayment = step(steps.authorizePayment);
export const confirmOrder = step(steps.confirmOrder);
export const refundPayment = step(steps.refundPayment);
export const releaseInventory = step(steps.releaseInventory);
export const cancelOrder = step(steps.cancelOrder);
