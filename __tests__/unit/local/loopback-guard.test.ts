import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkLoopbackRequest, guardLoopback } from '../../../src/local/loopback-guard';

const PORT = 4566;
const request = (headers: Record<string, string>, method = 'GET') =>
  ({ headers, method, socket: { localPort: PORT }, resume: jest.fn() }) as unknown as IncomingMessage;
const own = { host: `127.0.0.1:${PORT}` };

describe('checkLoopbackRequest (the one guard of every local endpoint)', () => {
  it.each([
    ['curl, SDKs, the AWS CLI and node fetch (no Origin)', { ...own }],
    ['the localhost name', { host: `localhost:${PORT}` }],
    ['a Host in upper case', { host: `LOCALHOST:${PORT}` }],
    ['its own origin', { ...own, origin: `http://127.0.0.1:${PORT}` }],
    ['its own origin by the other loopback name', { ...own, origin: `http://localhost:${PORT}` }],
    ['a navigation the user typed (Sec-Fetch-Site none)', { ...own, 'sec-fetch-site': 'none' }],
    ['a same-origin request without Origin', { ...own, 'sec-fetch-site': 'same-origin' }],
  ])('lets through %s', (_, headers) => {
    expect(checkLoopbackRequest(request(headers))).toEqual({ allowed: true });
  });

  it.each([
    ['a foreign origin', { ...own, origin: 'https://evil.example' }],
    ['another local port’s origin', { ...own, origin: 'http://127.0.0.1:8080' }],
    ['the opaque origin of a sandboxed frame or file', { ...own, origin: 'null' }],
    ['its own host over https (another origin)', { ...own, origin: `https://127.0.0.1:${PORT}` }],
    ['a rebinding hostname', { host: `rebind.evil.example:${PORT}` }],
    ['its own name on another port', { host: '127.0.0.1:80' }],
    ['no Host at all', {}],
    ['a cross-site request without Origin (an <img>)', { ...own, 'sec-fetch-site': 'cross-site' }],
    ['a same-site request without Origin', { ...own, 'sec-fetch-site': 'same-site' }],
  ])('refuses %s', (_, headers) => {
    expect(checkLoopbackRequest(request(headers))).toMatchObject({ allowed: false });
  });

  it('lets an allowed console origin through, and names exactly it for CORS', () => {
    const options = { allowedOrigins: ['http://localhost:5173'] };
    expect(checkLoopbackRequest(request({ ...own, origin: 'http://localhost:5173' }), options)).toEqual({
      allowed: true,
      corsOrigin: 'http://localhost:5173',
    });
    expect(checkLoopbackRequest(request({ ...own, origin: 'http://localhost:5174' }), options)).toMatchObject(
      { allowed: false },
    );
  });
});

describe('guardLoopback', () => {
  const response = () => {
    const headers: Record<string, string> = {};
    const res = {
      setHeader: (name: string, value: string) => (headers[name] = value),
      writeHead: jest.fn((status: number, more: Record<string, string> = {}) => Object.assign(headers, more)),
      end: jest.fn(),
    };
    return { res: res as unknown as ServerResponse & typeof res, headers };
  };

  it('never hands a refused request to the handler, and drains its body', () => {
    const handler = jest.fn();
    const req = request({ ...own, origin: 'https://evil.example' }, 'POST');
    const { res } = response();
    guardLoopback(handler)(req, res);
    expect(handler).not.toHaveBeenCalled();
    expect(req.resume).toHaveBeenCalled();
    expect(res.writeHead).toHaveBeenCalledWith(403, expect.anything());
  });

  it('answers an allowed console origin’s preflight itself, naming only that origin', () => {
    const handler = jest.fn();
    const { res, headers } = response();
    const preflight = request(
      { ...own, origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      'OPTIONS',
    );
    guardLoopback(handler, { allowedOrigins: ['http://localhost:5173'] })(preflight, res);
    expect(handler).not.toHaveBeenCalled();
    expect(res.writeHead).toHaveBeenCalledWith(204, expect.anything());
    expect(headers).toMatchObject({ 'access-control-allow-origin': 'http://localhost:5173', vary: 'Origin' });
  });

  it('passes an allowed request on with the CORS header only for a console origin', () => {
    const handler = jest.fn();
    const first = response();
    guardLoopback(handler)(request({ ...own }), first.res);
    expect(first.headers['access-control-allow-origin']).toBeUndefined();
    const second = response();
    guardLoopback(handler, { allowedOrigins: ['http://localhost:5173'] })(
      request({ ...own, origin: 'http://localhost:5173' }),
      second.res,
    );
    expect(second.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(handler).toHaveBeenCalledTimes(2);
  });
});
