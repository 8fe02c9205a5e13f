import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { apiFetch } from './api-fetch';
import { percentiles, round } from './stats';

export interface SustainedOptions {
  readonly httpUrl: string;
  readonly awsUrl: string;
  /** The read model table the API's GET /orders/{id} reads. */
  readonly readModelTable: string;
  /** A SKU with stock for every order this suite places. */
  readonly sku: string;
  readonly ratePerSecond: number;
  readonly seconds: number;
  /** How long after the last order was offered an order may still reach its terminal state. */
  readonly settleMs?: number;
}

/** What a fixed offered load gave: counts by outcome and request → CONFIRMED latency. */
export interface SustainedResult {
  readonly ratePerSecond: number;
  readonly seconds: number;
  readonly offered: number;
  readonly confirmed: number;
  readonly cancelled: Record<string, number>;
  readonly notTerminal: number;
  /** POST /orders answers other than 202, by status. */
  readonly refused: Record<string, number>;
  readonly requestToConfirmedMs: ReturnType<typeof percentiles>;
  readonly postOrderMs: ReturnType<typeof percentiles>;
  readonly orderIds: readonly string[];
}

/** p99 over which a rate no longer counts as carried (the bar for `sustained: N orders/s`). */
export const SUSTAINED_P99_LIMIT_MS = 3_000;

/** Every order confirmed, none cancelled or refused, p99 within the limit. */
export const carried = (result: Omit<SustainedResult, 'orderIds'>): boolean =>
  result.offered > 0 &&
  result.confirmed === result.offered &&
  result.requestToConfirmedMs.p99 <= SUSTAINED_P99_LIMIT_MS;

/** The figures without the order ids (hundreds of them) that the bench's counting uses. */
export const withoutIds = <T extends { orderIds: readonly string[] }>(figures: T): Omit<T, 'orderIds'> => {
  const copy: Partial<T> = { ...figures };
  delete copy.orderIds;
  return copy as Omit<T, 'orderIds'>;
};

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

/**
 * `tok_visa` orders for a stocked SKU offered at a fixed rate (an open load: an order is offered on
 * time whether or not the earlier ones have finished), each followed from its request to CONFIRMED
 * or CANCELLED. Orders are followed in the read model the API serves, with one BatchGetItem per
 * 200 ms for all of them (latencies are to the poll that saw the end, up to 200 ms late): polling GET /orders/{id} per order would itself become the load.
 */
export async function benchSustained(options: SustainedOptions): Promise<SustainedResult> {
  const dynamodb = new DynamoDBClient({
    endpoint: options.awsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const total = Math.round(options.ratePerSecond * options.seconds);
  const following = new Map<string, number>();
  const latencies: number[] = [];
  const postLatencies: number[] = [];
  const cancelled: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const orderIds: string[] = [];
  let confirmed = 0;
  let offering = true;

  const offer = async (i: number) => {
    const started = performance.now();
    const response = await apiFetch(`${options.httpUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `sustained-${Date.now()}-${i}` },
      body: JSON.stringify({
        customerId: `bench-sustained-${i % 25}`,
        items: [{ sku: options.sku, quantity: 1, unitPrice: 2500 }],
        currency: 'EUR',
        paymentToken: 'tok_visa',
        shippingAddress: { line1: '1 Bench Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
      }),
    }).catch(() => undefined);
    postLatencies.push(performance.now() - started);
    const body = response ? ((await response.json().catch(() => ({}))) as { orderId?: string }) : {};
    if (response?.status !== 202 || !body.orderId) {
      bump(refused, response ? `HTTP_${response.status}` : 'NO_ANSWER');
      return;
    }
    orderIds.push(body.orderId);
    following.set(body.orderId, started);
  };

  const follow = async () => {
    while (offering || following.size > 0) {
      const ids = [...following.keys()];
      for (let at = 0; at < ids.length; at += 100) {
        const batch = ids.slice(at, at + 100);
        const answer = await dynamodb.send(
          new BatchGetItemCommand({
            RequestItems: {
              [options.readModelTable]: {
                Keys: batch.map((orderId) => ({ orderId: { S: orderId } })),
                ProjectionExpression: 'orderId, #s, cancellationReason',
                ExpressionAttributeNames: { '#s': 'status' },
              },
            },
          }),
        );
        const now = performance.now();
        for (const item of answer.Responses?.[options.readModelTable] ?? []) {
          const orderId = item.orderId?.S ?? '';
          const status = item.status?.S;
          const startedAt = following.get(orderId);
          if (startedAt === undefined) continue;
          if (status === 'CONFIRMED') {
            confirmed += 1;
            latencies.push(now - startedAt);
          } else if (status === 'CANCELLED') {
            bump(cancelled, item.cancellationReason?.S ?? 'UNKNOWN');
          } else continue;
          following.delete(orderId);
        }
      }
      await sleep(POLL_MS);
    }
  };

  const started = performance.now();
  const followed = follow();
  const offers: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    offers.push(offer(i));
  }
  await Promise.all(offers);
  offering = false;
  // Orders not terminal by the deadline are counted as such, and the follower stops with them.
  let notTerminal = 0;
  const deadline = setTimeout(() => {
    notTerminal = following.size;
    following.clear();
  }, options.settleMs ?? 60_000);
  await followed;
  clearTimeout(deadline);
  dynamodb.destroy();

  return {
    ratePerSecond: options.ratePerSecond,
    seconds: options.seconds,
    offered: total,
    confirmed,
    cancelled,
    notTerminal,
    refused,
    requestToConfirmedMs: percentiles(latencies.map((ms) => round(ms))),
    postOrderMs: percentiles(postLatencies.map((ms) => round(ms))),
    orderIds,
  };
}

export interface StepUpOptions extends Omit<SustainedOptions, 'ratePerSecond' | 'seconds'> {
  /** The first rate tried; the rates after it are higher while each holds, lower if the first fails. */
  readonly fromRate: number;
  readonly stepSeconds: number;
  readonly maxRate: number;
  readonly log?: (line: string) => void;
}

export interface StepUpResult {
  /** The highest rate tried at which every order confirmed with p99 within the limit (0: none). */
  readonly sustainedPerSecond: number;
  readonly steps: readonly Omit<SustainedResult, 'orderIds'>[];
}

const nextUp = (rate: number): number => (rate < 20 ? rate + 5 : rate + 10);

/**
 * The rate the stack carries: steps the offered rate up until an order is cancelled (or refused, or
 * not terminal) or p99 passes the limit, and says the last rate that held. When the first rate
 * already fails, steps down by halves instead.
 */
export async function stepUpSustained(options: StepUpOptions): Promise<StepUpResult> {
  const steps: Omit<SustainedResult, 'orderIds'>[] = [];
  const run = async (rate: number) => {
    const result = await benchSustained({ ...options, ratePerSecond: rate, seconds: options.stepSeconds });
    steps.push(withoutIds(result));
    options.log?.(
      `step ${rate}/s: ${result.confirmed}/${result.offered} confirmed, p99 ${result.requestToConfirmedMs.p99} ms` +
        (carried(result) ? '' : ' (not carried)'),
    );
    return carried(result);
  };
  let sustained = 0;
  if (await run(options.fromRate)) {
    sustained = options.fromRate;
    for (let rate = nextUp(sustained); rate <= options.maxRate; rate = nextUp(rate)) {
      if (!(await run(rate))) break;
      sustained = rate;
    }
  } else {
    for (let rate = Math.floor(options.fromRate / 2); rate >= 1; rate = Math.floor(rate / 2)) {
      if (await run(rate)) {
        sustained = rate;
        break;
      }
    }
  }
  return { sustainedPerSecond: sustained, steps };
}
