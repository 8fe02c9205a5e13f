import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PaymentSimulator } from '../../../src/local/payments/simulator';
import { errorOf, FIXED_NOW, startSimulator, waitFor, type SimulatorHarness } from './harness';

const order = (orderId: string, token = 'tok_visa', amount = 2500) => ({
  orderId,
  amount,
  currency: 'USD',
  token,
});

describe('payment provider simulator', () => {
  let sim: SimulatorHarness;

  beforeAll(async () => {
    sim = await startSimulator({ timeoutDelayMs: 300 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.simulator.reset());

  const authorized = async (orderId: string, amount = 2500) => {
    const answer = await sim.authorize(order(orderId, 'tok_visa', amount), `authorize:${orderId}`);
    expect(answer.status).toBe(201);
    return answer.body.authorizationId as string;
  };
  const captured = async (orderId: string, amount = 2500) => {
    const authorizationId = await authorized(orderId, amount);
    const answer = await sim.post(`/v1/authorizations/${authorizationId}/capture`, {}, `capture:${orderId}`);
    expect(answer.status).toBe(200);
    return answer.body.captureId as string;
  };

  describe('service', () => {
    it('listens on the port it was given (0 = a free one) and answers /health', async () => {
      expect(sim.simulator.port).toBeGreaterThan(0);
      expect(sim.url).toBe(`http://127.0.0.1:${sim.simulator.port}`);
      expect(await sim.get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    });

    it('answers 404 to unknown URLs and 405 to a wrong method', async () => {
      const unknown = await sim.get('/v1/nothing-here');
      expect(unknown.status).toBe(404);
      expect(errorOf(unknown).code).toBe('not_found');
      const wrongMethod = await sim.request('DELETE', '/v1/authorizations');
      expect(wrongMethod.status).toBe(405);
      expect(errorOf(wrongMethod).code).toBe('method_not_allowed');
    });
  });

  describe('test tokens', () => {
    it.each(['tok_visa', 'tok_mastercard'])('%s approves', async (token) => {
      const answer = await sim.authorize(order('o-approve', token), 'k1');
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        authorizationId: expect.stringMatching(/^auth_\w+$/),
        status: 'authorized',
        amount: 2500,
        currency: 'USD',
        orderId: 'o-approve',
      });
      expect(sim.simulator.ledger('o-approve').entries).toEqual([
        {
          type: 'authorization',
          id: answer.body.authorizationId,
          orderId: 'o-approve',
          amount: 2500,
          currency: 'USD',
          at: FIXED_NOW.toISOString(),
        },
      ]);
    });

    it.each([
      ['tok_decline', 'card_declined', 'generic_decline'],
      ['tok_insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
      ['tok_stolen_or_made_up', 'card_declined', 'unknown_token'],
    ])('%s is declined with 402 %s (%s), recorded as a decline', async (token, code, declineCode) => {
      const answer = await sim.authorize(order('o-decline', token), 'k1');
      expect(answer.status).toBe(402);
      expect(answer.body).toEqual({ error: { code, declineCode, message: expect.any(String) } });
      const ledger = sim.simulator.ledger('o-decline');
      expect(ledger.entries).toEqual([expect.objectContaining({ type: 'decline', amount: 2500 })]);
      expect(ledger.totals).toEqual({ authorized: 0, captured: 0, refunded: 0, voided: 0 });
    });

    it('tok_flaky fails twice with 503 processing_error, then the same request approves and is replayed after', async () => {
      const first = await sim.authorize(order('o-flaky', 'tok_flaky'), 'authorize:o-flaky');
      const second = await sim.authorize(order('o-flaky', 'tok_flaky'), 'authorize:o-flaky');
      const third = await sim.authorize(order('o-flaky', 'tok_flaky'), 'authorize:o-flaky');
      const fourth = await sim.authorize(order('o-flaky', 'tok_flaky'), 'authorize:o-flaky');
      expect([first.status, second.status, third.status, fourth.status]).toEqual([503, 503, 201, 201]);
      expect(errorOf(first).code).toBe('processing_error');
      expect(errorOf(second).code).toBe('processing_error');
      expect(fourth.body).toEqual(third.body);
      expect(fourth.headers.get('idempotent-replayed')).toBe('true');
      expect(sim.simulator.ledger('o-flaky').entries.map((e) => e.type)).toEqual(['authorization']);
    });

    it('tok_flaky counts attempts per order, whatever the key', async () => {
      expect((await sim.authorize(order('o-flaky-a', 'tok_flaky'), 'a1')).status).toBe(503);
      expect((await sim.authorize(order('o-flaky-b', 'tok_flaky'), 'b1')).status).toBe(503);
      expect((await sim.authorize(order('o-flaky-a', 'tok_flaky'), 'a2')).status).toBe(503);
      expect((await sim.authorize(order('o-flaky-a', 'tok_flaky'), 'a3')).status).toBe(201);
      expect((await sim.authorize(order('o-flaky-b', 'tok_flaky'), 'b2')).status).toBe(503);
    });

    it('tok_timeout is held for timeoutDelayMs, then answered 504; a shorter client timeout gives up first', async () => {
      const waited = await sim.authorize(order('o-timeout', 'tok_timeout'), 'k-waits');
      expect(waited.status).toBe(504);
      expect(errorOf(waited).code).toBe('timeout');

      const impatient = sim.request('POST', '/v1/authorizations', {
        body: order('o-timeout', 'tok_timeout'),
        key: 'k-impatient',
        timeoutMs: 100,
      });
      await expect(impatient).rejects.toMatchObject({ name: 'TimeoutError' });
      // Nothing stays held (the client left, or the hold ended) and nothing was recorded.
      await waitFor(() => sim.simulator.heldRequests === 0);
      expect(sim.simulator.ledger('o-timeout').entries).toEqual([]);
    });
  });

  describe('idempotency', () => {
    it('replays the same response for the same key and body, recording the authorization once', async () => {
      const first = await sim.authorize(order('o-idem'), 'authorize:o-idem');
      // Same fields in another order are the same request.
      const { token, currency, amount, orderId } = order('o-idem');
      const again = await sim.authorize({ token, currency, amount, orderId }, 'authorize:o-idem');
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(sim.simulator.ledger('o-idem').entries).toHaveLength(1);
      expect(sim.simulator.ledger('o-idem').totals.authorized).toBe(2500);
    });

    it('a new key is a new authorization', async () => {
      const first = await sim.authorize(order('o-two'), 'k-one');
      const second = await sim.authorize(order('o-two'), 'k-two');
      expect(second.body.authorizationId).not.toBe(first.body.authorizationId);
      expect(sim.simulator.ledger('o-two').totals.authorized).toBe(5000);
    });

    it('refuses the same key with a different body: 422 idempotency_key_reused, nothing recorded', async () => {
      await sim.authorize(order('o-reuse'), 'k-reuse');
      const reused = await sim.authorize(order('o-reuse', 'tok_visa', 9999), 'k-reuse');
      expect(reused.status).toBe(422);
      expect(errorOf(reused).code).toBe('idempotency_key_reused');
      expect(sim.simulator.ledger('o-reuse').entries).toHaveLength(1);
    });

    it('replays declines too, recording the decline once', async () => {
      const first = await sim.authorize(order('o-dec', 'tok_decline'), 'k-dec');
      const again = await sim.authorize(order('o-dec', 'tok_decline'), 'k-dec');
      expect(again.status).toBe(402);
      expect(again.body).toEqual(first.body);
      expect(sim.simulator.ledger('o-dec').entries).toHaveLength(1);
    });

    it('scopes keys per endpoint', async () => {
      const authorizationId = await authorized('o-scope');
      const capture = await sim.post(
        `/v1/authorizations/${authorizationId}/capture`,
        {},
        'authorize:o-scope',
      );
      expect(capture.status).toBe(200);
      expect(capture.headers.get('idempotent-replayed')).toBeNull();
    });

    it('requires an Idempotency-Key on every money-moving request', async () => {
      const authorizationId = await authorized('o-nokey');
      const answers = await Promise.all([
        sim.post('/v1/authorizations', order('o-nokey')),
        sim.post(`/v1/authorizations/${authorizationId}/capture`, {}),
        sim.post(`/v1/authorizations/${authorizationId}/void`, {}),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(errorOf(answer)).toMatchObject({ code: 'invalid_request', param: 'Idempotency-Key' });
      }
      expect(sim.simulator.ledger('o-nokey').entries).toHaveLength(1);
    });
  });

  describe('capture', () => {
    it('captures the authorized amount by default', async () => {
      const authorizationId = await authorized('o-cap');
      const answer = await sim.post(`/v1/authorizations/${authorizationId}/capture`, undefined, 'c1');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        captureId: expect.stringMatching(/^cap_\w+$/),
        authorizationId,
        amount: 2500,
        status: 'captured',
      });
      expect(sim.simulator.ledger('o-cap').totals).toEqual({
        authorized: 2500,
        captured: 2500,
        refunded: 0,
        voided: 0,
      });
    });

    it('captures part of the authorization', async () => {
      const authorizationId = await authorized('o-part');
      const answer = await sim.post(`/v1/authorizations/${authorizationId}/capture`, { amount: 1000 }, 'c1');
      expect(answer.body).toMatchObject({ amount: 1000, status: 'captured' });
      expect(sim.simulator.ledger('o-part').totals.captured).toBe(1000);
    });

    it('replays a capture with the same key; a capture with another key is 409 already_captured', async () => {
      const authorizationId = await authorized('o-cap2');
      const path = `/v1/authorizations/${authorizationId}/capture`;
      const first = await sim.post(path, {}, 'capture:o-cap2');
      const again = await sim.post(path, {}, 'capture:o-cap2');
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const other = await sim.post(path, {}, 'another-key');
      expect(other.status).toBe(409);
      expect(errorOf(other).code).toBe('already_captured');
      expect(sim.simulator.ledger('o-cap2').entries.filter((e) => e.type === 'capture')).toHaveLength(1);
    });

    it('refuses more than was authorized with 422, capturing nothing', async () => {
      const authorizationId = await authorized('o-over', 2500);
      const answer = await sim.post(`/v1/authorizations/${authorizationId}/capture`, { amount: 2501 }, 'c1');
      expect(answer.status).toBe(422);
      expect(errorOf(answer).code).toBe('amount_too_large');
      expect(sim.simulator.ledger('o-over').totals.captured).toBe(0);
    });

    it('refuses to capture a voided authorization: 409 authorization_voided', async () => {
      const authorizationId = await authorized('o-voided');
      expect((await sim.post(`/v1/authorizations/${authorizationId}/void`, {}, 'v1')).status).toBe(200);
      const answer = await sim.post(`/v1/authorizations/${authorizationId}/capture`, {}, 'c1');
      expect(answer.status).toBe(409);
      expect(errorOf(answer).code).toBe('authorization_voided');
      expect(sim.simulator.ledger('o-voided').totals.captured).toBe(0);
    });

    it('answers 404 for an unknown authorization', async () => {
      const answer = await sim.post('/v1/authorizations/auth_nope/capture', {}, 'c1');
      expect(answer.status).toBe(404);
      expect(errorOf(answer)).toMatchObject({ code: 'resource_missing', param: 'authorizationId' });
    });
  });

  describe('void', () => {
    it('voids an authorization once, answering the same to a second void', async () => {
      const authorizationId = await authorized('o-void');
      const path = `/v1/authorizations/${authorizationId}/void`;
      const first = await sim.post(path, {}, 'void:o-void');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ authorizationId, status: 'voided' });
      const again = await sim.post(path, {}, 'void:o-void');
      const otherKey = await sim.post(path, undefined, 'void-again');
      expect(again.body).toEqual(first.body);
      expect(otherKey.status).toBe(200);
      expect(otherKey.body).toEqual(first.body);
      const ledger = sim.simulator.ledger('o-void');
      expect(ledger.entries.filter((e) => e.type === 'void')).toEqual([
        expect.objectContaining({ id: authorizationId, amount: 2500 }),
      ]);
      expect(ledger.totals).toEqual({ authorized: 2500, captured: 0, refunded: 0, voided: 2500 });
    });

    it('refuses to void a captured authorization: 409 already_captured', async () => {
      const authorizationId = await authorized('o-void-cap');
      await sim.post(`/v1/authorizations/${authorizationId}/capture`, {}, 'c1');
      const answer = await sim.post(`/v1/authorizations/${authorizationId}/void`, {}, 'v1');
      expect(answer.status).toBe(409);
      expect(errorOf(answer).code).toBe('already_captured');
      expect(sim.simulator.ledger('o-void-cap').totals.voided).toBe(0);
    });

    it('answers 404 for an unknown authorization', async () => {
      expect((await sim.post('/v1/authorizations/auth_nope/void', {}, 'v1')).status).toBe(404);
    });
  });

  describe('refunds', () => {
    it('refunds in parts down to zero, then refuses more with 422', async () => {
      const captureId = await captured('o-refund', 2500);
      const path = `/v1/captures/${captureId}/refunds`;
      const partial = await sim.post(path, { amount: 1000 }, 'r1');
      expect(partial.status).toBe(201);
      expect(partial.body).toMatchObject({
        refundId: expect.stringMatching(/^rfd_\w+$/),
        captureId,
        amount: 1000,
        status: 'refunded',
      });
      const tooMuch = await sim.post(path, { amount: 1501 }, 'r2');
      expect(tooMuch.status).toBe(422);
      expect(errorOf(tooMuch).code).toBe('amount_too_large');
      const rest = await sim.post(path, {}, 'r3');
      expect(rest.body).toMatchObject({ amount: 1500, status: 'refunded' });
      const nothingLeft = await sim.post(path, {}, 'r4');
      expect(nothingLeft.status).toBe(422);
      expect(sim.simulator.ledger('o-refund').totals).toEqual({
        authorized: 2500,
        captured: 2500,
        refunded: 2500,
        voided: 0,
      });
    });

    it('replays a refund with the same key, refunding once', async () => {
      const captureId = await captured('o-refund2');
      const path = `/v1/captures/${captureId}/refunds`;
      const first = await sim.post(path, { amount: 500 }, 'refund:o-refund2');
      const again = await sim.post(path, { amount: 500 }, 'refund:o-refund2');
      expect(again.body).toEqual(first.body);
      expect(sim.simulator.ledger('o-refund2').totals.refunded).toBe(500);
    });

    it('answers 404 for an unknown capture', async () => {
      const answer = await sim.post('/v1/captures/cap_nope/refunds', {}, 'r1');
      expect(answer.status).toBe(404);
      expect(errorOf(answer)).toMatchObject({ code: 'resource_missing', param: 'captureId' });
    });
  });

  describe('looking authorizations up (GET /v1/authorizations)', () => {
    it('finds an authorization by the Idempotency-Key it was made with, as it stands now', async () => {
      const authorizationId = await authorized('o-find', 1800);
      const found = await sim.get('/v1/authorizations?idempotencyKey=authorize:o-find');
      expect(found).toMatchObject({
        status: 200,
        body: {
          data: [{ authorizationId, status: 'authorized', orderId: 'o-find', amount: 1800, currency: 'USD' }],
        },
      });
      await sim.post(`/v1/authorizations/${authorizationId}/void`, {}, 'void:o-find');
      const after = await sim.get('/v1/authorizations?idempotencyKey=authorize:o-find');
      expect(after.body.data).toEqual([expect.objectContaining({ authorizationId, status: 'voided' })]);
    });

    it('shows a captured authorization with its capture, and finds every authorization of an order', async () => {
      const captureId = await captured('o-find-cap');
      await sim.authorize(order('o-find-cap'), 'authorize:o-find-cap:second');
      const byKey = await sim.get('/v1/authorizations?idempotencyKey=authorize:o-find-cap');
      expect(byKey.body.data).toEqual([expect.objectContaining({ status: 'captured', captureId })]);
      const byOrder = await sim.get('/v1/authorizations?orderId=o-find-cap');
      expect((byOrder.body.data as { status: string }[]).map((a) => a.status)).toEqual([
        'captured',
        'authorized',
      ]);
    });

    it('finds nothing for a key that made no authorization: unknown, declined, or still held unanswered', async () => {
      await sim.authorize(order('o-declined', 'tok_decline'), 'authorize:o-declined');
      // held for timeoutDelayMs, then answered 504; a busy machine may first poll after the hold has ended,
      // so the wait stops at either rather than spin on a hold it missed
      let answered = false;
      const hanging = sim
        .request('POST', '/v1/authorizations', {
          body: order('o-hanging', 'tok_timeout'),
          key: 'authorize:o-hanging',
        })
        .finally(() => {
          answered = true;
        });
      await waitFor(() => sim.simulator.heldRequests > 0 || answered);
      for (const key of ['authorize:o-never', 'authorize:o-declined', 'authorize:o-hanging']) {
        const answer = await sim.get(`/v1/authorizations?idempotencyKey=${key}`);
        expect({ key, status: answer.status, data: answer.body.data }).toEqual({
          key,
          status: 200,
          data: [],
        });
      }
      expect((await hanging).status).toBe(504);
    });

    it('answers a lookup at once while money-moving requests are failed or delayed by injected faults', async () => {
      const authorizationId = await authorized('o-find-fault');
      await sim.post('/__faults', { failNext: 1, status: 503 });
      const found = await sim.get('/v1/authorizations?idempotencyKey=authorize:o-find-fault');
      expect(found.body.data).toEqual([expect.objectContaining({ authorizationId })]);
      expect((await sim.get('/__faults')).body.failNext).toBe(1);
    });

    it('refuses a lookup with no filter, an empty one or an unknown one: 400 naming it', async () => {
      const params = [
        ['', 'idempotencyKey'],
        ['?idempotencyKey=', 'idempotencyKey'],
        ['?orderId=', 'orderId'],
        ['?customer=c1', 'customer'],
      ];
      for (const [query, param] of params) {
        const answer = await sim.get(`/v1/authorizations${query}`);
        expect({ query, status: answer.status, param: errorOf(answer).param }).toEqual({
          query,
          status: 400,
          param,
        });
      }
    });
  });

  describe('ledger', () => {
    it('lists entries and totals per order or for all, so captured − refunded can be checked', async () => {
      const captureA = await captured('o-led-a', 3000);
      await sim.post(`/v1/captures/${captureA}/refunds`, { amount: 1200 }, 'r1');
      const authB = await authorized('o-led-b', 700);
      await sim.post(`/v1/authorizations/${authB}/void`, {}, 'v1');
      await sim.authorize(order('o-led-c', 'tok_decline'), 'd1');

      const a = await sim.get('/v1/ledger?orderId=o-led-a');
      expect(a.status).toBe(200);
      expect((a.body.entries as { type: string }[]).map((e) => e.type)).toEqual([
        'authorization',
        'capture',
        'refund',
      ]);
      const totalsA = a.body.totals as { captured: number; refunded: number };
      expect(totalsA).toEqual({ authorized: 3000, captured: 3000, refunded: 1200, voided: 0 });
      expect(totalsA.captured - totalsA.refunded).toBe(1800);

      const all = await sim.get('/v1/ledger');
      expect(all.body).toEqual(sim.simulator.ledger());
      expect(all.body.totals).toEqual({ authorized: 3700, captured: 3000, refunded: 1200, voided: 700 });
      expect((all.body.entries as unknown[]).length).toBe(6);
      for (const entry of all.body.entries as { at: string; currency: string }[]) {
        expect(entry).toMatchObject({ at: FIXED_NOW.toISOString(), currency: 'USD' });
      }
    });

    it('rejects an empty orderId filter', async () => {
      const answer = await sim.get('/v1/ledger?orderId=');
      expect(answer.status).toBe(400);
      expect(errorOf(answer).param).toBe('orderId');
    });

    it('reset() forgets the ledger and the idempotency keys', async () => {
      const first = await sim.authorize(order('o-reset'), 'k-reset');
      sim.simulator.reset();
      expect(sim.simulator.ledger().entries).toEqual([]);
      const after = await sim.authorize(order('o-reset'), 'k-reset');
      expect(after.status).toBe(201);
      expect(after.body.authorizationId).not.toBe(first.body.authorizationId);
    });
  });

  describe('fault injection', () => {
    it('fails the next n money-moving requests with the status asked for, before they do anything', async () => {
      const set = await sim.post('/__faults', { failNext: 2, status: 503 });
      expect(set).toMatchObject({ status: 200, body: { failNext: 2, status: 503 } });
      // Reads are not faulted and do not use up the faults.
      expect((await sim.get('/health')).status).toBe(200);
      expect((await sim.get('/v1/ledger')).status).toBe(200);

      const first = await sim.authorize(order('o-fault'), 'authorize:o-fault');
      const second = await sim.authorize(order('o-fault'), 'authorize:o-fault');
      expect([first.status, second.status]).toEqual([503, 503]);
      expect(errorOf(first).code).toBe('injected_fault');
      expect(sim.simulator.ledger('o-fault').entries).toEqual([]);

      const third = await sim.authorize(order('o-fault'), 'authorize:o-fault');
      expect(third.status).toBe(201);
      expect(sim.simulator.ledger('o-fault').entries).toHaveLength(1);
    });

    it('fails with any error status, even requests that are invalid, and DELETE clears the faults', async () => {
      await sim.post('/__faults', { failNext: 5, status: 500 });
      const invalid = await sim.post('/v1/authorizations', { nonsense: true });
      expect(invalid.status).toBe(500);
      const cleared = await sim.request('DELETE', '/__faults');
      expect(cleared.status).toBe(200);
      expect((await sim.authorize(order('o-cleared'), 'k1')).status).toBe(201);
    });

    it('validates the fault request', async () => {
      expect(errorOf(await sim.post('/__faults', { failNext: 0 })).param).toBe('failNext');
      expect(errorOf(await sim.post('/__faults', { failNext: 1, status: 200 })).param).toBe('status');
      expect((await sim.authorize(order('o-nofault'), 'k1')).status).toBe(201);
    });
  });

  describe('validation', () => {
    it('answers 400 to a body that is not JSON, or not an object', async () => {
      for (const rawBody of ['{"orderId":', '[1,2]', '"text"']) {
        const answer = await sim.request('POST', '/v1/authorizations', { rawBody, key: 'k1' });
        expect(answer.status).toBe(400);
        expect(errorOf(answer).code).toBe('invalid_request');
      }
    });

    it.each([
      ['orderId', { amount: 100, currency: 'USD', token: 'tok_visa' }],
      ['orderId', { orderId: '', amount: 100, currency: 'USD', token: 'tok_visa' }],
      ['orderId', { orderId: 42, amount: 100, currency: 'USD', token: 'tok_visa' }],
      ['amount', { orderId: 'o', currency: 'USD', token: 'tok_visa' }],
      ['amount', { orderId: 'o', amount: 10.5, currency: 'USD', token: 'tok_visa' }],
      ['amount', { orderId: 'o', amount: 0, currency: 'USD', token: 'tok_visa' }],
      ['amount', { orderId: 'o', amount: -100, currency: 'USD', token: 'tok_visa' }],
      ['amount', { orderId: 'o', amount: '100', currency: 'USD', token: 'tok_visa' }],
      ['currency', { orderId: 'o', amount: 100, token: 'tok_visa' }],
      ['currency', { orderId: 'o', amount: 100, currency: 'usd', token: 'tok_visa' }],
      ['currency', { orderId: 'o', amount: 100, currency: 'QQQ', token: 'tok_visa' }],
      ['token', { orderId: 'o', amount: 100, currency: 'USD' }],
      ['token', { orderId: 'o', amount: 100, currency: 'USD', token: null }],
      ['extra', { orderId: 'o', amount: 100, currency: 'USD', token: 'tok_visa', extra: 1 }],
    ])('authorization: 400 invalid_request naming %s', async (param, body) => {
      const answer = await sim.authorize(body, 'k-invalid');
      expect(answer.status).toBe(400);
      expect(errorOf(answer)).toEqual({ code: 'invalid_request', message: expect.any(String), param });
      expect(sim.simulator.ledger().entries).toEqual([]);
    });

    it('capture and refund: 400 naming amount when it is not a positive integer', async () => {
      const captureId = await captured('o-val');
      const authorizationId = sim.simulator.ledger('o-val').entries[0]?.id;
      for (const path of [
        `/v1/authorizations/${authorizationId}/capture`,
        `/v1/captures/${captureId}/refunds`,
      ]) {
        for (const amount of [0, 1.5, '10']) {
          const answer = await sim.post(path, { amount }, `k-${String(amount)}`);
          expect(answer.status).toBe(400);
          expect(errorOf(answer)).toMatchObject({ code: 'invalid_request', param: 'amount' });
        }
      }
      expect(sim.simulator.ledger('o-val').totals.refunded).toBe(0);
    });

    it('a rejected request does not burn its idempotency key', async () => {
      expect((await sim.authorize({ orderId: 'o-burn', amount: 1 }, 'k-burn')).status).toBe(400);
      expect((await sim.authorize(order('o-burn'), 'k-burn')).status).toBe(201);
    });
  });
});

describe('payment provider simulator lifecycle', () => {
  it('close() ends requests it is holding, clears their timers, and stops listening', async () => {
    const HOLD_MS = 29_999; // distinctive, to find the simulator's timer among others
    const setTimer = jest.spyOn(globalThis, 'setTimeout');
    const clearTimer = jest.spyOn(globalThis, 'clearTimeout');
    try {
      const sim = await startSimulator({ timeoutDelayMs: HOLD_MS });
      const held = sim.authorize(order('o-held', 'tok_timeout'), 'k-held');
      held.catch(() => undefined);
      await waitFor(() => sim.simulator.heldRequests === 1);
      const holdTimers = setTimer.mock.calls
        .map((call, i) => ({ delay: call[1], timer: setTimer.mock.results[i]?.value as unknown }))
        .filter((t) => t.delay === HOLD_MS);
      expect(holdTimers).toHaveLength(1);

      await sim.close();
      await expect(held).rejects.toThrow();
      expect(sim.simulator.heldRequests).toBe(0);
      expect(clearTimer).toHaveBeenCalledWith(holdTimers[0]?.timer);
      await expect(fetch(`${sim.url}/health`)).rejects.toThrow();
      await sim.close(); // idempotent
    } finally {
      setTimer.mockRestore();
      clearTimer.mockRestore();
    }
  });

  it('refuses a port that is taken', async () => {
    const first = await PaymentSimulator.start({ port: 0 });
    try {
      await expect(PaymentSimulator.start({ port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('runs standalone from the CLI on PAYMENT_PROVIDER_PORT and stops on SIGTERM', async () => {
    const root = resolve(__dirname, '../../..');
    const child = spawn(
      process.execPath,
      [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'src/local/payments/main.ts'],
      {
        cwd: root,
        env: { ...process.env, PAYMENT_PROVIDER_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string | undefined>((ready) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match?.[1]) ready(match[1]);
        });
        child.on('exit', () => ready(undefined));
      });
      expect(url).toBeDefined();
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('the CLI refuses a PAYMENT_PROVIDER_PORT that is not a port', async () => {
    const root = resolve(__dirname, '../../..');
    const child = spawn(
      process.execPath,
      [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'src/local/payments/main.ts'],
      {
        cwd: root,
        env: { ...process.env, PAYMENT_PROVIDER_PORT: 'not-a-port' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('PAYMENT_PROVIDER_PORT must be a port number');
  });
});
