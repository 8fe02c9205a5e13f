import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  CancellationReason,
  issuesFromDecodeErrors,
  NonEmptyString,
  NonNegativeInteger,
  PositiveInteger,
  ValidationError,
} from '../../domain/orders';

/*
 * What each saga Task hands its function: the `Payload` its state builds in
 * statemachines/orderSaga.asl.json. Decoded at the function's entry, so a payload the state machine
 * did not build (a hand-started execution, an edited definition) fails the step with ValidationError,
 * which the state's Catch handles like any other failure, instead of a TypeError deep in a step.
 * Unknown fields are tolerated: a state may pass more than a step reads.
 */

/** ReserveInventory, AuthorizePayment, RefundPayment, ReleaseInventory: the order and nothing else. */
export const OrderStepInput = t.readonly(t.type({ orderId: NonEmptyString }), 'OrderStepInput');
export type OrderStepInput = t.TypeOf<typeof OrderStepInput>;

/** ConfirmOrder: also the shipment id the shipping worker answered ScheduleShipment with. */
export const ConfirmOrderInput = t.readonly(
  t.type({ orderId: NonEmptyString, shipmentId: NonEmptyString }),
  'ConfirmOrderInput',
);
export type ConfirmOrderInput = t.TypeOf<typeof ConfirmOrderInput>;

/** CancelOrder: also the reason the failure path's Pass state chose. */
export const CancelOrderInput = t.readonly(
  t.type({ orderId: NonEmptyString, reason: CancellationReason }),
  'CancelOrderInput',
);
export type CancelOrderInput = t.TypeOf<typeof CancelOrderInput>;

/** ManualReview (`waitForTaskToken`): the order, its total, the token to answer and the review's timeout. */
export const RequestReviewInput = t.readonly(
  t.intersection([
    t.type({ orderId: NonEmptyString, total: NonNegativeInteger, taskToken: NonEmptyString }),
    t.partial({ timeoutSeconds: PositiveInteger }),
  ]),
  'RequestReviewInput',
);
export type RequestReviewInput = t.TypeOf<typeof RequestReviewInput>;

/** The decoded input, or ValidationError naming each field that is missing or of the wrong type. */
export const decodeStepInput = <A>(codec: t.Decoder<unknown, A>, input: unknown): A => {
  const decoded = codec.decode(input);
  if (E.isLeft(decoded)) throw new ValidationError(issuesFromDecodeErrors(decoded.left));
  return decoded.right;
};
