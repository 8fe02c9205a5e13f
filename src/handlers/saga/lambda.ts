import middy from '@middy/core';
import * as steps from './steps';
import {
  inventoryStore,
  orderEventStore,
  paymentMethodReferences,
  paymentProvider,
} from '../composition-root/stores';
import { closeOpenReview } from './review-steps';
import { logger, observability } from '../observability';

/*
 * The saga's Task functions (lambda:invoke with the payload the state machine builds). What a step
 * throws reaches Step Functions as an error named after its class, which Retry and Catch match on.
 */

const deps = (): steps.StepDeps => ({
  store: orderEventStore(),
  inventory: inventoryStore(),
  payments: paymentProvider(),
  // Opened lazily: only AuthorizePayment needs it, and only its function has the secret.
  paymentMethods: { open: (reference, orderId) => paymentMethodReferences().open(reference, orderId) },
  closeReview: closeOpenReview,
});

const step = <I, O>(name: string, run: (deps: steps.StepDeps, input: I) => Promise<O>) =>
  middy<I, O>()
    .use(observability())
    .handler(async (input) => {
      try {
        const output = await run(deps(), input);
        logger.info('saga step done', { step: name });
        return output;
      } catch (error) {
        // Retry and Catch in the state machine decide what happens next; this is the record of why.
        logger.warn('saga step failed', { step: name, error: error as Error });
        throw error;
      }
    });

export const reserveInventory = step('ReserveInventory', steps.reserveInventory);
export const authorizePayment = step('AuthorizePayment', steps.authorizePayment);
export const confirmOrder = step('ConfirmOrder', steps.confirmOrder);
export const refundPayment = step('RefundPayment', steps.refundPayment);
export const releaseInventory = step('ReleaseInventory', steps.releaseInventory);
export const cancelOrder = step('CancelOrder', steps.cancelOrder);
