import { api } from '../../support/api';

interface StockView {
  sku: string;
  available: number;
  reserved: number;
}
interface ErrorResponse {
  error: { code: string; message: string; details: { path: string; rule: string; message: string }[] };
}

let seq = 0;
/** A SKU no other test (or run) stocks. */
const uniqueSku = (): string => `E2E-${process.pid}-${Date.now().toString(36)}-${(seq += 1)}`.toUpperCase();

const put = (sku: string, body: unknown) =>
  api<StockView & ErrorResponse>('PUT', `/inventory/${sku}`, { body });

describe('PUT then GET /inventory/{sku}', () => {
  it('sets the stock of a new SKU and reads it back', async () => {
    const sku = uniqueSku();
    const created = await put(sku, { available: 25 });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(created.body).toEqual({ sku, available: 25, reserved: 0 });

    const read = await api<StockView>('GET', `/inventory/${sku}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ sku, available: 25, reserved: 0 });
  });

  it('restocks an existing SKU: the last PUT wins', async () => {
    const sku = uniqueSku();
    await put(sku, { available: 3 });
    expect((await put(sku, { available: 0 })).body).toEqual({ sku, available: 0, reserved: 0 });
    expect((await put(sku, { available: 1_000_000 })).body).toEqual({
      sku,
      available: 1_000_000,
      reserved: 0,
    });
    expect((await api<StockView>('GET', `/inventory/${sku}`)).body).toEqual({
      sku,
      available: 1_000_000,
      reserved: 0,
    });
  });

  it('answers 404 SKU_NOT_FOUND for a SKU never stocked', async () => {
    const sku = uniqueSku();
    const response = await api<ErrorResponse>('GET', `/inventory/${sku}`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { code: 'SKU_NOT_FOUND', message: expect.any(String), details: [] },
    });
  });

  it('answers 400 naming path and rule for a malformed SKU in the path', async () => {
    const response = await api<ErrorResponse>('GET', `/inventory/-SKU`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map(({ path, rule }) => [path, rule])).toEqual([['sku', 'pattern']]);
  });
});

describe('PUT /inventory/{sku} with a bad request', () => {
  const cases: [
    name: string,
    sku: string | undefined,
    body: unknown,
    issues: [path: string, rule: string][],
  ][] = [
    ['a missing available', undefined, {}, [['available', 'required']]],
    ['a string available', undefined, { available: '5' }, [['available', 'type']]],
    ['a negative available', undefined, { available: -1 }, [['available', 'min']]],
    ['a fractional available', undefined, { available: 1.5 }, [['available', 'integer']]],
    ['available over the maximum', undefined, { available: 1_000_001 }, [['available', 'max']]],
    ['an unknown field', undefined, { available: 1, colour: 'red' }, [['colour', 'unknownField']]],
    ['an array body', undefined, [{ available: 1 }], [['', 'type']]],
    ['a malformed SKU', 'SKU_1', { available: 1 }, [['sku', 'pattern']]],
    ['a 65-character SKU', 'S'.repeat(65), { available: 1 }, [['sku', 'maxLength']]],
  ];

  it.each(cases)(
    'answers 400 VALIDATION_FAILED for %s, writing nothing',
    async (_name, given, body, issues) => {
      const sku = given ?? uniqueSku();
      const response = await put(sku, body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(response.body.error.details.map(({ path, rule }) => [path, rule])).toEqual(issues);
      if (given === undefined) expect((await api('GET', `/inventory/${sku}`)).status).toBe(404);
    },
  );

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const response = await api<ErrorResponse>('PUT', `/inventory/${uniqueSku()}`, {
      rawBody: '{"available": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  it('answers 415 for a body not sent as application/json', async () => {
    const response = await api<ErrorResponse>('PUT', `/inventory/${uniqueSku()}`, {
      rawBody: JSON.stringify({ available: 1 }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
