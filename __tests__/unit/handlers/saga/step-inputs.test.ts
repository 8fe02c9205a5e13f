/*
 * Issue 13 item 3: every saga Task function decodes the payload its state builds. A payload it cannot
 * decode fails the step with ValidationError naming the field (a typed error the state's Catch handles),
 * before any store or provider is touched, instead of a TypeError somewhere inside the step.
 */
import type { Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../../../src/domain/shared/errors';

const mockTouched: string[] = [];
class MockUntouchableError extends Error {}
const mockUntouchable = (name: string) =>
  new Proxy(
    {},
    {
      get: () => () => {
        mockTouched.push(name);
        throw new MockUntouchableError(`${name} must not be used`);
      },
    },
  );

jest.mock('../../../../src/handlers/composition-root/stores', () => ({
  orderEventStore: () => mockUntouchable('orderEventStore'),
  inventoryStore: () => mockUntouchable('inventoryStore'),
  paymentProvider: () => mockUntouchable('paymentProvider'),
  paymentMethodReferences: () => mockUntouchable('paymentMethodReferences'),
  reviewsStore: () => mockUntouchable('reviewsStore'),
}));
jest.mock('../../../../src/handlers/composition-root/saga', () => ({
  sagaClient: () => mockUntouchable('sagaClient'),
}));

// Imported after the mocks (jest hoists jest.mock above these).
import * as lambdas from '../../../../src/handlers/saga/task-functions';
import { handler as requestReview } from '../../../../src/handlers/saga/review-steps';
import {
  CancelOrderInput,
  ConfirmOrderInput,
  decodeStepInput,
  OrderStepInput,
  RequestReviewInput,
} from '../../../../src/handlers/saga/step-inputs';

const ORDER_ID = '01JDQ3ZJ4X7V9G2K8M5N6P0R1S';
const context = { functionName: 'step', awsRequestId: 'req-1' } as unknown as Context;

/** The ValidationError `work` throws, as [path, rule] pairs; fails the test when it throws anything else. */
async function refusal(work: () => unknown): Promise<[string, string][]> {
  let thrown: unknown;
  try {
    await work();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  const error = thrown as ValidationError;
  expect(error.name).toBe('ValidationError');
  expect(error.code).toBe('VALIDATION_FAILED');
  return error.details.map(({ path, rule }) => [path, rule]);
}

describe('the codecs accept what the state machine builds', () => {
  const asl = JSON.parse(
    readFileSync(join(__dirname, '../../../../statemachines/orderSaga.asl.json'), 'utf8'),
  ) as { States: Record<string, { Resource?: string; Parameters?: { Payload?: Record<string, string> } }> };
  const codecOfState: Record<string, { decode(u: unknown): { _tag: string } }> = {
    ReserveInventory: OrderStepInput,
    AuthorizePayment: OrderStepInput,
    ManualReview: RequestReviewInput,
    ConfirmOrder: ConfirmOrderInput,
    RefundPayment: OrderStepInput,
    ReleaseInventory: OrderStepInput,
    CancelOrder: CancelOrderInput,
  };
  const sample: Record<string, unknown> = {
    orderId: ORDER_ID,
    shipmentId: `shp_${ORDER_ID}`,
    reason: 'PAYMENT_DECLINED',
    total: 150000,
    timeoutSeconds: 900,
    taskToken: 'token-1',
  };
  const lambdaTasks = Object.entries(asl.States).filter(([, state]) =>
    state.Resource?.startsWith('arn:aws:states:::lambda:invoke'),
  );

  it('has a codec for every lambda Task of the saga', () => {
    expect(lambdaTasks.map(([name]) => name).sort()).toEqual(Object.keys(codecOfState).sort());
  });

  it.each(lambdaTasks)('%s: its Payload decodes', (name, state) => {
    const fields = Object.keys(state.Parameters?.Payload ?? {}).map((key) => key.replace(/\.\$$/, ''));
    const payload = Object.fromEntries(fields.map((field) => [field, sample[field]]));
    expect(fields.every((field) => field in sample)).toBe(true);
    expect(codecOfState[name]?.decode(payload)._tag).toBe('Right');
  });
});

describe('decodeStepInput', () => {
  it('returns a valid input as it is, extra fields tolerated', () => {
    const input = { orderId: ORDER_ID, shipmentId: 'shp_1', extra: true };
    expect(decodeStepInput(ConfirmOrderInput, input)).toBe(input);
  });

  it.each<[string, unknown, unknown, [string, string][]]>([
    ['a missing orderId', OrderStepInput, {}, [['orderId', 'required']]],
    ['an empty orderId', OrderStepInput, { orderId: '' }, [['orderId', 'type']]],
    ['a numeric orderId', OrderStepInput, { orderId: 42 }, [['orderId', 'type']]],
    ['no payload at all', OrderStepInput, null, [['', 'type']]],
    ['a missing shipmentId', ConfirmOrderInput, { orderId: ORDER_ID }, [['shipmentId', 'required']]],
    ['an unknown reason', CancelOrderInput, { orderId: ORDER_ID, reason: 'BORED' }, [['reason', 'type']]],
    [
      'a review without its token and with a text total',
      RequestReviewInput,
      { orderId: ORDER_ID, total: '150000' },
      [
        ['total', 'type'],
        ['taskToken', 'required'],
      ],
    ],
  ])('refuses %s with ValidationError naming the field', async (_name, codec, input, expected) => {
    expect(await refusal(() => decodeStepInput(codec as typeof OrderStepInput, input))).toEqual(expected);
  });
});

describe('the Task functions refuse a malformed payload before doing anything', () => {
  beforeEach(() => {
    mockTouched.length = 0;
  });

  it.each<[string, (input: unknown, context: Context) => Promise<unknown>, unknown, [string, string][]]>([
    ['ReserveInventory', lambdas.reserveInventory, { order: ORDER_ID }, [['orderId', 'required']]],
    ['AuthorizePayment', lambdas.authorizePayment, { orderId: 7 }, [['orderId', 'type']]],
    ['ConfirmOrder', lambdas.confirmOrder, { orderId: ORDER_ID, shipmentId: null }, [['shipmentId', 'type']]],
    ['RefundPayment', lambdas.refundPayment, 'order', [['', 'type']]],
    ['ReleaseInventory', lambdas.releaseInventory, {}, [['orderId', 'required']]],
    ['CancelOrder', lambdas.cancelOrder, { orderId: ORDER_ID }, [['reason', 'required']]],
    ['ManualReview', requestReview, { orderId: ORDER_ID, total: 1, taskToken: '' }, [['taskToken', 'type']]],
  ])('%s', async (_name, handler, input, expected) => {
    expect(await refusal(() => handler(input, context))).toEqual(expected);
    expect(mockTouched).toEqual([]);
  });

  it('a valid payload gets past decoding to the step (which here finds no store)', async () => {
    await expect(lambdas.reserveInventory({ orderId: ORDER_ID }, context)).rejects.toThrow(
      'orderEventStore must not be used',
    );
    expect(mockTouched).toEqual(['orderEventStore']);
  });
});
