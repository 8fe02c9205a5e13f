/*
 * What the ops console's server side promises over HTTP (issue 16): the page and its bundle under a
 * strict policy and without secrets, structured 4xx for anything else under /console, and the AWS
 * endpoint answering the console's origin (and still no other).
 */
import { stackUrls } from '../../support/stack';

const consoleUrl = (path = '') => `${stackUrls().http}/console${path}`;

describe('the ops console pages', () => {
  it('serves the page, naming the AWS endpoint and no token, under a policy with no inline script', async () => {
    const response = await fetch(consoleUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain(`connect-src 'self' ${stackUrls().aws}`);
    expect(policy).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await response.text();
    expect(page).toContain(`<meta name="orderflow-aws" content="${stackUrls().aws}">`);
    expect(page).not.toMatch(/eyJ|secret|Bearer/i);
  });

  it('bundles its script and style on request', async () => {
    const [script, style] = await Promise.all([fetch(consoleUrl('/app.js')), fetch(consoleUrl('/app.css'))]);
    expect([script.status, style.status]).toEqual([200, 200]);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('GetExecutionHistory');
    expect(await style.text()).toContain('.saga-graph');
  });

  it('answers anything else under /console with a structured 4xx', async () => {
    const missing = await fetch(consoleUrl('/../console/nope.js'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Not Found' });
    const posted = await fetch(consoleUrl(), { method: 'POST', body: '{}' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    expect(await posted.json()).toEqual({ message: 'Method Not Allowed' });
  });

  it("lets the console's origin call the AWS endpoint, and still refuses other origins", async () => {
    const origin = new URL(stackUrls().http).origin;
    const preflight = await fetch(stackUrls().aws, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-amz-target');

    const call = (from: string) =>
      fetch(stackUrls().aws, {
        method: 'POST',
        headers: {
          origin: from,
          'x-amz-target': 'AmazonSQS.ListQueues',
          'content-type': 'application/x-amz-json-1.0',
        },
        body: '{}',
      });
    const allowed = await call(origin);
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { QueueUrls: string[] }).QueueUrls.length).toBeGreaterThan(0);
    const foreign = await call('http://127.0.0.1:1');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
