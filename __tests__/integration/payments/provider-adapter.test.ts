import {
  PaymentConflictError,
  PaymentDeclinedError,
  PaymentProvider,
  PaymentProviderError,
  PaymentProviderUnavailableError,
  PaymentRequestError,
  PaymentTimeoutError,
} from '../../../src/adapters/payments/payment-provider';
import { freePort } from '../../support/ports';
import { startSimulator, waitFor, type SimulatorHarness } from './harness';

describe('PaymentProvider adapter against the simulator', () => {
  let sim: SimulatorHarness;
  let provider: PaymentProvider;

  beforeAll(async () => {
    sim = await startSimulator({ timeoutDelayMs: 300 });
    provider = new PaymentProvider({ baseUrl: `${sim.url}/`, timeoutMs: 2000 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.simulator.reset());

  const authorize = (orderId: string, token = 'tok_visa', amount = 4200) =>
    provider.authorize({ orderId, amount, currency: 'EUR', token, idempotencyKey: `authorize:${orderId}` });

  /** The error a call rejects with; fails the test if it resolves. */
  const failure = async (call: Promise<unknown>): Promise<PaymentProviderError> => {
    const outcome = await call.then(
      (value) => ({ resolved: value }),
      (error: unknown) => ({ rejected: error }),
    );
    expect(outcome).toHaveProperty('rejected');
    const error = (outcome as { rejected: unknown }).rejected;
    expect(error).toBeInstanceOf(PaymentProviderError);
    return error as PaymentProviderError;
  };

  it('authorizes, captures, refunds: typed results, and the ledger agrees', async () => {
    const authorization = await authorize('o-happy');
    expect(authorization).toEqual({
      authorizationId: expect.stringMatching(/^auth_/),
      status: 'authorized',
      orderId: 'o-happy',
      amount: 4200,
      currency: 'EUR',
    });
    const capture = await provider.capture({
      authorizationId: authorization.authorizationId,
      amount: 4000,
      idempotencyKey: 'capture:o-happy',
    });
    expect(capture).toMatchObject({
      captureId: expect.stringMatching(/^cap_/),
      authorizationId: authorization.authorizationId,
      status: 'captured',
      amount: 4000,
    });
    const refund = await provider.refund({
      captureId: capture.captureId,
      amount: 1500,
      idempotencyKey: 'refund:o-happy:1',
    });
    expect(refund).toMatchObject({
      refundId: expect.stringMatching(/^rfd_/),
      captureId: capture.captureId,
      status: 'refunded',
      amount: 1500,
    });
    const rest = await provider.refund({ captureId: capture.captureId, idempotencyKey: 'refund:o-happy:2' });
    expect(rest.amount).toBe(2500);
    const { totals } = sim.simulator.ledger('o-happy');
    expect(totals).toEqual({ authorized: 4200, captured: 4000, refunded: 4000, voided: 0 });
  });

  it('authorizing twice with the same key charges once', async () => {
    const first = await authorize('o-twice');
    const second = await authorize('o-twice');
    expect(second).toEqual(first);
    const { entries } = sim.simulator.ledger('o-twice');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'authorization', id: first.authorizationId });
  });

  it('voids: typed result; a second void answers the same; the ledger records one void', async () => {
    const { authorizationId } = await authorize('o-void');
    const voided = await provider.void({ authorizationId, idempotencyKey: 'void:o-void' });
    expect(voided).toEqual({ authorizationId, status: 'voided' });
    expect(await provider.void({ authorizationId, idempotencyKey: 'void:o-void:again' })).toEqual(voided);
    expect(sim.simulator.ledger('o-void').totals.voided).toBe(4200);
  });

  it('finds an authorization by its idempotency key, typed; undefined when there is none', async () => {
    const { authorizationId } = await authorize('o-lookup');
    expect(await provider.findAuthorization('authorize:o-lookup')).toEqual({
      authorizationId,
      status: 'authorized',
      orderId: 'o-lookup',
      amount: 4200,
      currency: 'EUR',
    });
    await provider.void({ authorizationId, idempotencyKey: 'void:o-lookup' });
    expect(await provider.findAuthorization('authorize:o-lookup')).toMatchObject({ status: 'voided' });
    expect(await provider.findAuthorization('authorize:o-none')).toBeUndefined();
  });

  it('a lookup after the answer was lost to the client timeout finds what the provider did', async () => {
    // 1 s gives the request time to reach the simulator on a busy machine; the answer is held far longer
    const impatient = new PaymentProvider({ baseUrl: sim.url, timeoutMs: 1_000 });
    await sim.post('/__faults', { delayNext: 1, delayMs: 10_000 });
    const error = await failure(
      impatient.authorize({
        orderId: 'o-late',
        amount: 4200,
        currency: 'EUR',
        token: 'tok_visa',
        idempotencyKey: 'authorize:o-late',
      }),
    );
    expect(error).toBeInstanceOf(PaymentTimeoutError);
    // the simulator may read the request only after the client gave up: wait until it has acted on it
    await waitFor(() => sim.simulator.ledger('o-late').entries.length > 0);
    expect(await provider.findAuthorization('authorize:o-late')).toMatchObject({
      status: 'authorized',
      orderId: 'o-late',
      amount: 4200,
    });
  });

  it.each([
    ['tok_decline', 'card_declined', 'generic_decline'],
    ['tok_insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
    ['tok_unheard_of', 'card_declined', 'unknown_token'],
  ])('%s → PaymentDeclinedError %s/%s, not retryable', async (token, code, declineCode) => {
    const error = await failure(authorize('o-declined', token));
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error).toMatchObject({
      name: 'PaymentDeclinedError',
      code,
      declineCode,
      status: 402,
      retryable: false,
      operation: 'authorize',
    });
  });

  it('tok_flaky → PaymentProviderUnavailableError twice (retryable), then the same call succeeds once', async () => {
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const error = await failure(authorize('o-flaky', 'tok_flaky'));
      expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
      expect(error).toMatchObject({
        name: 'PaymentProviderUnavailableError',
        status: 503,
        code: 'processing_error',
        retryable: true,
      });
    }
    const authorization = await authorize('o-flaky', 'tok_flaky');
    expect(authorization.status).toBe('authorized');
    expect(sim.simulator.ledger('o-flaky').totals.authorized).toBe(4200);
  });

  it('tok_timeout with a client timeout shorter than the hold → PaymentTimeoutError (retryable)', async () => {
    const impatient = new PaymentProvider({ baseUrl: sim.url, timeoutMs: 100 });
    const error = await failure(
      impatient.authorize({
        orderId: 'o-slow',
        amount: 100,
        currency: 'EUR',
        token: 'tok_timeout',
        idempotencyKey: 'authorize:o-slow',
      }),
    );
    expect(error).toBeInstanceOf(PaymentTimeoutError);
    expect(error).toMatchObject({
      name: 'PaymentTimeoutError',
      timeoutMs: 100,
      retryable: true,
      code: 'timeout',
    });
  });

  it('a 504 from the provider (it gave up before the client did) → PaymentProviderUnavailableError', async () => {
    const error = await failure(authorize('o-504', 'tok_timeout'));
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({ status: 504, retryable: true });
  });

  it('capturing a voided authorization → PaymentConflictError authorization_voided', async () => {
    const { authorizationId } = await authorize('o-conflict');
    await provider.void({ authorizationId, idempotencyKey: 'void:o-conflict' });
    const error = await failure(provider.capture({ authorizationId, idempotencyKey: 'capture:o-conflict' }));
    expect(error).toBeInstanceOf(PaymentConflictError);
    expect(error).toMatchObject({
      name: 'PaymentConflictError',
      code: 'authorization_voided',
      status: 409,
      retryable: false,
    });
  });

  it('voiding a captured authorization → PaymentConflictError already_captured', async () => {
    const { authorizationId } = await authorize('o-conflict2');
    await provider.capture({ authorizationId, idempotencyKey: 'capture:o-conflict2' });
    const error = await failure(provider.void({ authorizationId, idempotencyKey: 'void:o-conflict2' }));
    expect(error).toBeInstanceOf(PaymentConflictError);
    expect(error.code).toBe('already_captured');
  });

  it('over-capture, over-refund and key reuse → PaymentRequestError 422', async () => {
    const { authorizationId } = await authorize('o-422');
    const overCapture = await failure(
      provider.capture({ authorizationId, amount: 4201, idempotencyKey: 'capture:o-422:a' }),
    );
    expect(overCapture).toBeInstanceOf(PaymentRequestError);
    expect(overCapture).toMatchObject({ status: 422, code: 'amount_too_large', retryable: false });

    const { captureId } = await provider.capture({ authorizationId, idempotencyKey: 'capture:o-422:b' });
    const overRefund = await failure(
      provider.refund({ captureId, amount: 4201, idempotencyKey: 'refund:o-422' }),
    );
    expect(overRefund).toBeInstanceOf(PaymentRequestError);
    expect(overRefund).toMatchObject({ name: 'PaymentRequestError', status: 422, code: 'amount_too_large' });

    const reused = await failure(
      provider.authorize({
        orderId: 'o-422',
        amount: 1,
        currency: 'EUR',
        token: 'tok_visa',
        idempotencyKey: 'authorize:o-422',
      }),
    );
    expect(reused).toMatchObject({
      name: 'PaymentRequestError',
      status: 422,
      code: 'idempotency_key_reused',
    });
    expect(sim.simulator.ledger('o-422').totals).toEqual({
      authorized: 4200,
      captured: 4200,
      refunded: 0,
      voided: 0,
    });
  });

  it('unknown ids → PaymentRequestError 404 naming the param', async () => {
    const capture = await failure(provider.capture({ authorizationId: 'auth/../nope', idempotencyKey: 'c' }));
    expect(capture).toBeInstanceOf(PaymentRequestError);
    expect(capture).toMatchObject({ status: 404, code: 'resource_missing', param: 'authorizationId' });
    const refund = await failure(provider.refund({ captureId: 'cap_nope', idempotencyKey: 'r' }));
    expect(refund).toMatchObject({ name: 'PaymentRequestError', status: 404, param: 'captureId' });
  });

  it('bad input → PaymentRequestError 400 naming the param', async () => {
    const error = await failure(
      provider.authorize({
        orderId: 'o-bad',
        amount: 12.5,
        currency: 'EUR',
        token: 'tok_visa',
        idempotencyKey: 'authorize:o-bad',
      }),
    );
    expect(error).toBeInstanceOf(PaymentRequestError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', param: 'amount', retryable: false });
  });

  it('injected 5xx faults → PaymentProviderUnavailableError; the retry with the same key then succeeds', async () => {
    await sim.post('/__faults', { failNext: 1, status: 500 });
    const error = await failure(authorize('o-fault'));
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({ status: 500, code: 'injected_fault' });
    expect((await authorize('o-fault')).status).toBe('authorized');
    expect(sim.simulator.ledger('o-fault').entries).toHaveLength(1);
  });

  it('nothing listening → PaymentProviderUnavailableError network_error', async () => {
    const nowhere = new PaymentProvider({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    const error = await failure(nowhere.void({ authorizationId: 'auth_x', idempotencyKey: 'void:x' }));
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({
      code: 'network_error',
      status: undefined,
      retryable: true,
      operation: 'void',
    });
  });
});
