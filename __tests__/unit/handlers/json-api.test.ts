import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { jsonApi, MAX_BODY_BYTES } from '../../../src/handlers/http/json-api';
import { ValidationError } from '../../../src/domain/shared/errors';
import { OrderNotFoundError, ShippingUnavailableError } from '../../../src/domain/orders';

const context = { awsRequestId: 'req-1' } as Context;

/** The authorizer context API Gateway's JWT authorizer adds for a customer's access token. */
const customerAuthorizer = {
  jwt: { claims: { sub: 'cust-1', scope: 'orderflow/orders' }, scopes: ['orderflow/orders'] },
};

const event = (
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  /** `null`: no authorizer context at all. */
  authorizer: unknown = customerAuthorizer,
) =>
  ({
    body,
    headers,
    isBase64Encoded: false,
    pathParameters: {},
    queryStringParameters: {},
    requestContext: authorizer === null ? {} : { authorizer },
  }) as unknown as APIGatewayProxyEventV2;

const echo = jsonApi(async (request) => ({ status: 200, body: { received: request.body } }), {
  withBody: true,
});

const call = async (handler: typeof echo, e: APIGatewayProxyEventV2) => {
  const result = await handler(e, context);
  return { status: result.statusCode, body: JSON.parse(result.body ?? '') as Record<string, unknown> };
};

describe('jsonApi, as API Gateway delivers requests', () => {
  it('hands the route the parsed body', async () => {
    expect(await call(echo, event('{"a":1}'))).toEqual({ status: 200, body: { received: { a: 1 } } });
  });

  it('accepts a charset parameter on application/json', async () => {
    const result = await call(echo, event('{}', { 'Content-Type': 'application/json; charset=utf-8' }));
    expect(result.status).toBe(200);
  });

  it('answers a missing content type with 415 (API Gateway does not default it)', async () => {
    expect(await call(echo, event('{}', {}))).toMatchObject({
      status: 415,
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
    });
  });

  it('answers a missing body with 400 MALFORMED_JSON', async () => {
    expect(await call(echo, event(undefined))).toMatchObject({
      status: 400,
      body: { error: { code: 'MALFORMED_JSON' } },
    });
  });

  it('parses a base64-encoded body', async () => {
    const e = {
      ...event(Buffer.from('{"b":2}').toString('base64')),
      isBase64Encoded: true,
    } as APIGatewayProxyEventV2;
    expect(await call(echo, e)).toEqual({ status: 200, body: { received: { b: 2 } } });
  });

  it('measures the body limit in bytes, not characters', async () => {
    const justOver = `"${'é'.repeat(MAX_BODY_BYTES / 2)}"`;
    expect(await call(echo, event(justOver))).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE' } },
    });
  });

  it.each([
    ['a top-level JSON string', '"an order"'],
    ['null', 'null'],
  ])('passes %s to the route, whose validation then answers it', async (_name, raw) => {
    const validating = jsonApi(
      async () => {
        throw new ValidationError([{ path: '', rule: 'type', message: 'body must be a JSON object' }]);
      },
      { withBody: true },
    );
    const result = await call(validating, event(raw));
    expect(result).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [{ path: '', rule: 'type' }] } },
    });
  });

  it('maps a domain error to its status with the error shape', async () => {
    const missing = jsonApi(
      async () => {
        throw new OrderNotFoundError('X');
      },
      { withBody: false },
    );
    expect(await call(missing, event(undefined))).toEqual({
      status: 404,
      body: { error: { code: 'ORDER_NOT_FOUND', message: 'Order X not found', details: [] } },
    });
  });

  it('answers a domain error no request can cause (a saga outcome) with the bare 500 of a bug', async () => {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const leaked = jsonApi(
      async () => {
        throw new ShippingUnavailableError('X', 'no carrier serves AQ');
      },
      { withBody: false },
    );
    const result = await call(leaked, event(undefined));
    spy.mockRestore();
    expect(result.status).toBe(500);
    expect(result.body).toMatchObject({ error: { code: 'INTERNAL_ERROR', details: [] } });
  });

  it('answers throttling that outlasted the retries with 503 and Retry-After', async () => {
    class ProvisionedThroughputExceededException extends Error {
      override readonly name = 'ProvisionedThroughputExceededException';
    }
    const busy = jsonApi(
      async () => {
        throw new ProvisionedThroughputExceededException('slow down');
      },
      { withBody: false },
    );
    const result = await busy(event(undefined), context);
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(result.body ?? '')).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('answers an unexpected failure with a bare 500 that names the request, not the stack', async () => {
    // The logger writes its JSON lines to stderr itself (not through the patched global console).
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const broken = jsonApi(
      async () => {
        throw new TypeError('cannot read x of undefined');
      },
      { withBody: false },
    );
    const result = await call(broken, event(undefined));
    expect(result.status).toBe(500);
    expect(result.body).toEqual({
      error: { code: 'INTERNAL_ERROR', message: expect.stringContaining('req-1'), details: [] },
    });
    expect(JSON.stringify(result.body)).not.toContain('cannot read');
    const logged = spy.mock.calls.map(([chunk]) => String(chunk)).join('');
    spy.mockRestore();
    expect(logged).toContain('cannot read x of undefined');
    expect(logged).toContain('req-1');
  });

  describe('the caller (identity fails closed)', () => {
    const whoAmI = jsonApi(async (request) => ({ status: 200, body: { caller: request.caller } }), {
      withBody: false,
    });
    const refusedForSubject = {
      status: 403,
      body: { error: { code: 'FORBIDDEN', details: [{ path: 'authorization', rule: 'subject' }] } },
    };

    it('hands the route the subject and every scope of the token', async () => {
      const authorizer = {
        jwt: { claims: { sub: 'ops-1', scope: 'orderflow/orders orderflow/admin' }, scopes: null },
      };
      expect(await call(whoAmI, event(undefined, {}, authorizer))).toEqual({
        status: 200,
        body: { caller: { subject: 'ops-1', scopes: ['orderflow/orders', 'orderflow/admin'] } },
      });
    });

    it.each([
      ['no authorizer context (a function invoked directly)', null],
      ['an authorizer context without JWT claims', { lambda: {} }],
      ['a token without sub', { jwt: { claims: { scope: 'orderflow/orders' }, scopes: null } }],
      [
        'an operator token without sub',
        { jwt: { claims: { scope: 'orderflow/admin' }, scopes: ['orderflow/admin'] } },
      ],
      ['an empty sub', { jwt: { claims: { sub: '', scope: 'orderflow/admin' } } }],
      ['a sub that is not a string', { jwt: { claims: { sub: 42, scope: 'orderflow/admin' } } }],
    ])('refuses %s with 403 FORBIDDEN, before the route runs', async (_, authorizer) => {
      const route = jest.fn(async () => ({ status: 200, body: {} }));
      const result = await call(jsonApi(route, { withBody: false }), event(undefined, {}, authorizer));
      expect(result).toMatchObject(refusedForSubject);
      expect(route).not.toHaveBeenCalled();
    });

    it('runs an anonymous route without any caller', async () => {
      const open = jsonApi(async (request) => ({ status: 200, body: { caller: request.caller ?? null } }), {
        withBody: false,
        anonymous: true,
      });
      expect(await call(open, event(undefined, {}, null))).toEqual({ status: 200, body: { caller: null } });
    });
  });
});
