import { InvalidPageTokenError, PageTokens } from '../../../src/adapters/dynamodb/page-token';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const key = {
  orderId: '01JDQ3ZJ4X7V9G2K8M5N6P0R1S',
  customerId: 'cust-42',
  placedAt: '2026-11-26T09:30:00.000Z',
};
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('PageTokens', () => {
  const tokens = new PageTokens(SECRET);

  it('reads back the key it issued, for the customer it was issued for', () => {
    expect(tokens.read(tokens.issue(key), 'cust-42')).toEqual(key);
  });

  const refused: [string, () => string, string][] = [
    ['another customer’s token', () => tokens.issue(key), 'cust-43'],
    [
      'a token of another stack (another secret)',
      () => new PageTokens(`${SECRET}-other`).issue(key),
      'cust-42',
    ],
    ['a bare base64 key (the old, unsigned format)', () => b64(key), 'cust-42'],
    [
      'a payload changed under its MAC',
      () => {
        const [version, , mac] = tokens.issue(key).split('.');
        return [version, b64({ ...key, placedAt: '2030-01-01T00:00:00.000Z' }), mac].join('.');
      },
      'cust-42',
    ],
    ['a token without its MAC', () => tokens.issue(key).split('.').slice(0, 2).join('.'), 'cust-42'],
    ['a token with a part too many', () => `${tokens.issue(key)}.x`, 'cust-42'],
    ['another version', () => tokens.issue(key).replace(/^v1\./, 'v2.'), 'cust-42'],
    ['an empty string', () => '', 'cust-42'],
    ['a very long token', () => `v1.${'A'.repeat(5000)}.x`, 'cust-42'],
  ];

  it.each(refused)('refuses %s with InvalidPageTokenError', (_name, token, customerId) => {
    expect(() => tokens.read(token(), customerId)).toThrow(InvalidPageTokenError);
  });

  it('refuses a correctly signed payload that is not exactly a key (defence in depth)', () => {
    // Signed with the same key material, as only a bug could produce: the shape is checked all the same.
    const forge = (payload: unknown) => {
      const token = tokens.issue(key);
      const body = b64(payload);
      const mac = (tokens as unknown as { mac(p: string): string }).mac(body);
      return [token.split('.')[0], body, mac].join('.');
    };
    for (const payload of [{ ...key, extra: 'x' }, { ...key, orderId: '' }, { ...key, placedAt: 5 }, [key]]) {
      expect(() => tokens.read(forge(payload), 'cust-42')).toThrow(InvalidPageTokenError);
    }
  });
});
