import middy from '@middy/core';
import type * as t from 'io-ts';
import * as steps from './steps';
import {
  inventoryStore,
  orderEventStore,
  paymentMethodReferences,
  paymentProvider,
} from '../composition-root/stores';
import { closeOpenReview } from './review-steps';
import { CancelOrderInput, ConfirmOrderInput, decodeStepInput, OrderStepInput } from './step-inputs';
import { logger, observability } from '../shared/observability';

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

/** A Task function: its payload decoded with `input` (ValidationError when it does not), then `run`. */
const step = <I, O>(
  name: string,
  input: t.Decoder<unknown, I>,
  run: (deps: steps.StepDeps, input: I) => Promise<O>,
) =>
  middy<unknown, O>()
    .use(observability())
    .handler(async (payload) => {
      try {
        const decoded = decodeStepInput(input, payload);
        const output = await run(deps(), decoded);
        logger.info('saga step done', { step: name });
        return output;
      } catch (error) {
        // Retry and Catch in the state machine decide what happens next; this is the record of why.
        logger.warn('saga step failed', { step: name, error: error as Error });
        throw error;
      }
    });

export const reserveInventory = step('ReserveInventory', OrderStepInput, steps.reserveInventory);
export const authorizePayment = step('AuthorizePayment', OrderStepInput, steps.authorizePayment);
export const confirmOrder = step('ConfirmOrder', ConfirmOrderInput, steps.confirmOrder);
export const refundPayment = step('RefundPayment', OrderStepInput, steps.refundPayment);
export const releaseInventory = step('ReleaseInventory', OrderStepInput, steps.releaseInventory);
export const cancelOrder = step('CancelOrder', CancelOrderInput, steps.cancelOrder);
