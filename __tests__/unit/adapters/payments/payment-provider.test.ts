import {
  PaymentConflictError,
  PaymentDeclinedError,
  PaymentProvider,
  PaymentProviderError,
  PaymentProviderUnavailableError,
  PaymentRequestError,
  PaymentTimeoutError,
} from '../../../../src/adapters/payments/payment-provider';

interface Call {
  readonly url: string;
  readonly init: RequestInit;
}

/** A fetch double answering `answer(call)`, recording every call. */
const fakeFetch = (answer: (call: Call) => Response | Promise<Response>) => {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const call = { url: String(input), init };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  return { fetchImpl, calls };
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const AUTHORIZED = {
  authorizationId: 'auth_1',
  status: 'authorized',
  amount: 500,
  currency: 'USD',
  orderId: 'o1',
};
const authorizeRequest = {
  orderId: 'o1',
  amount: 500,
  currency: 'USD',
  token: 'tok_visa',
  idempotencyKey: 'authorize:o1',
};

const failure = async (call: Promise<unknown>): Promise<PaymentProviderError> => {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(PaymentProviderError);
  return outcome as PaymentProviderError;
};

describe('PaymentProvider', () => {
  it('POSTs JSON with the idempotency key to the provider, and returns only the typed fields', async () => {
    const { fetchImpl, calls } = fakeFetch(() => json(201, { ...AUTHORIZED, extra: 'ignored' }));
    const provider = new PaymentProvider({ baseUrl: 'http://provider.test:4010/', fetchImpl });
    expect(await provider.authorize(authorizeRequest)).toEqual(AUTHORIZED);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe('http://provider.test:4010/v1/authorizations');
    expect(call?.init.method).toBe('POST');
    expect(call?.init.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'authorize:o1',
    });
    expect(JSON.parse(String(call?.init.body))).toEqual({
      orderId: 'o1',
      amount: 500,
      currency: 'USD',
      token: 'tok_visa',
    });
    expect(call?.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('encodes ids in the path and leaves out an amount that is not given', async () => {
    const { fetchImpl, calls } = fakeFetch(({ url }) =>
      url.endsWith('/capture')
        ? json(200, { captureId: 'cap_1', authorizationId: 'a/1', amount: 500, status: 'captured' })
        : url.endsWith('/void')
          ? json(200, { status: 'voided' })
          : json(201, { refundId: 'rfd_1', captureId: 'c 1', amount: 500, status: 'refunded' }),
    );
    const provider = new PaymentProvider({ baseUrl: 'http://p', fetchImpl });
    await provider.capture({ authorizationId: 'a/1', idempotencyKey: 'k1' });
    await provider.void({ authorizationId: 'a/1', idempotencyKey: 'k2' });
    await provider.refund({ captureId: 'c 1', idempotencyKey: 'k3' });
    await provider.refund({ captureId: 'c 1', amount: 200, idempotencyKey: 'k4' });
    expect(calls.map((c) => [c.url, JSON.parse(String(c.init.body))])).toEqual([
      ['http://p/v1/authorizations/a%2F1/capture', {}],
      ['http://p/v1/authorizations/a%2F1/void', {}],
      ['http://p/v1/captures/c%201/refunds', {}],
      ['http://p/v1/captures/c%201/refunds', { amount: 200 }],
    ]);
  });

  it.each([
    [
      402,
      { error: { code: 'card_declined', declineCode: 'generic_decline', message: 'no' } },
      PaymentDeclinedError,
    ],
    [409, { error: { code: 'already_captured', message: 'no' } }, PaymentConflictError],
    [400, { error: { code: 'invalid_request', message: 'no', param: 'amount' } }, PaymentRequestError],
    [401, { error: { code: 'unauthorized', message: 'no' } }, PaymentRequestError],
    [404, { error: { code: 'resource_missing', message: 'no' } }, PaymentRequestError],
    [422, { error: { code: 'amount_too_large', message: 'no' } }, PaymentRequestError],
    [408, {}, PaymentProviderUnavailableError],
    [429, { error: { code: 'rate_limited', message: 'slow down' } }, PaymentProviderUnavailableError],
    [500, { error: { code: 'internal_error', message: 'oops' } }, PaymentProviderUnavailableError],
    [503, { error: { code: 'processing_error', message: 'later' } }, PaymentProviderUnavailableError],
  ])('maps HTTP %i to its error type', async (status, body, type) => {
    const { fetchImpl } = fakeFetch(() => json(status, body));
    const error = await failure(
      new PaymentProvider({ baseUrl: 'http://p', fetchImpl }).authorize(authorizeRequest),
    );
    expect(error).toBeInstanceOf(type);
    expect(error.name).toBe(type.name);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(type === PaymentProviderUnavailableError);
  });

  it('keeps the decline code and the param the provider named', async () => {
    const declined = fakeFetch(() =>
      json(402, {
        error: { code: 'insufficient_funds', declineCode: 'insufficient_funds', message: 'poor' },
      }),
    );
    const decline = await failure(
      new PaymentProvider({ baseUrl: 'http://p', fetchImpl: declined.fetchImpl }).authorize(authorizeRequest),
    );
    expect(decline).toMatchObject({ code: 'insufficient_funds', declineCode: 'insufficient_funds' });

    const invalid = fakeFetch(() =>
      json(400, { error: { code: 'invalid_request', message: 'bad', param: 'token' } }),
    );
    const request = await failure(
      new PaymentProvider({ baseUrl: 'http://p', fetchImpl: invalid.fetchImpl }).authorize(authorizeRequest),
    );
    expect(request).toMatchObject({ code: 'invalid_request', param: 'token' });
    expect(request.message).toContain('token');
  });

  it('treats a 5xx without a JSON body as unavailable', async () => {
    const { fetchImpl } = fakeFetch(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const error = await failure(
      new PaymentProvider({ baseUrl: 'http://p', fetchImpl }).authorize(authorizeRequest),
    );
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({ status: 502, code: 'unavailable' });
  });

  it.each([
    ['not JSON', new Response('ok', { status: 200 })],
    ['the wrong shape', json(201, { authorizationId: 'auth_1', status: 'pending' })],
  ])('treats a success it cannot read (%s) as unavailable: invalid_response', async (_, response) => {
    const { fetchImpl } = fakeFetch(() => response);
    const error = await failure(
      new PaymentProvider({ baseUrl: 'http://p', fetchImpl }).authorize(authorizeRequest),
    );
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error.code).toBe('invalid_response');
  });

  it('maps a network failure to PaymentProviderUnavailableError network_error, keeping the cause', async () => {
    const cause = new TypeError('fetch failed');
    const { fetchImpl } = fakeFetch(() => Promise.reject(cause));
    const error = await failure(
      new PaymentProvider({ baseUrl: 'http://p', fetchImpl }).authorize(authorizeRequest),
    );
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({ name: 'PaymentProviderUnavailableError', code: 'network_error', cause });
  });

  it('aborts after timeoutMs: PaymentTimeoutError', async () => {
    const { fetchImpl } = fakeFetch(
      ({ init }) =>
        new Promise<Response>((_, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const provider = new PaymentProvider({ baseUrl: 'http://p', timeoutMs: 20, fetchImpl });
    const error = await failure(provider.capture({ authorizationId: 'auth_1', idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PaymentTimeoutError);
    expect(error).toMatchObject({
      name: 'PaymentTimeoutError',
      timeoutMs: 20,
      retryable: true,
      operation: 'capture',
    });
  });

  it('gives every error class its own name (what Step Functions Retry/Catch match on)', () => {
    const errors = [
      new PaymentDeclinedError('authorize', 'card_declined', 'generic_decline', 'no'),
      new PaymentProviderUnavailableError('authorize', 'down', { code: 'unavailable' }),
      new PaymentTimeoutError('authorize', 100),
      new PaymentConflictError('void', 'already_captured', 'no'),
      new PaymentRequestError('refund', 422, 'amount_too_large', 'no'),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'PaymentDeclinedError',
      'PaymentProviderUnavailableError',
      'PaymentTimeoutError',
      'PaymentConflictError',
      'PaymentRequestError',
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(String(error)).toMatch(new RegExp(`^${error.name}: `));
    }
  });
});
