import type { FaultKind } from '../../src/local/faults';
import { pick } from './random';

/** Runtime faults (armed through the control API) and the provider's own (`/__faults`). */
export type ChaosFaultKind = FaultKind | 'provider-5xx' | 'provider-timeout';

export interface PlannedFault {
  readonly kind: ChaosFaultKind;
  /** The function or consumer it is armed for (`*`: whichever comes next). */
  readonly functionName: string;
  readonly count: number;
  readonly delayMs?: number;
  readonly status?: number;
}

const CRASHING_FUNCTIONS = [
  'reserveInventory',
  'authorizePayment',
  'confirmOrder',
  'refundPayment',
  'releaseInventory',
  'cancelOrder',
  'projectOrders',
  'publishOutbox',
  'startSaga',
  'publishOutcome',
  'notifyCustomer',
  'shipOrder',
];

/** Kinds armed by default; throttling can be left out (see the chaos test). */
export const CHAOS_FAULT_KINDS: readonly ChaosFaultKind[] = [
  'crash-after-invoke',
  'crash-after-invoke',
  'throttle-dynamodb',
  'duplicate-stream-record',
  'duplicate-sqs-message',
  'duplicate-eventbridge-event',
  'delay-sqs-message',
  'delay-eventbridge-event',
  'provider-5xx',
  'provider-timeout',
];

/** Longer than the local payment client's timeout (5 s), so the saga sees a timeout after the provider acted. */
const PROVIDER_LATE_MS = 6_000;

/**
 * The fault armed just before an order is placed, if any: about one order in four, a kind picked from
 * `kinds`. Delays stay under the local queues' 3 s visibility timeout (a longer one would also redeliver).
 */
export function planFault(random: () => number, kinds: readonly ChaosFaultKind[]): PlannedFault | undefined {
  if (random() >= 0.25) return undefined;
  const kind = pick(random, kinds);
  switch (kind) {
    case 'crash-after-invoke':
      return { kind, functionName: `orderflow-local-${pick(random, CRASHING_FUNCTIONS)}`, count: 1 };
    case 'throttle-dynamodb':
      return { kind, functionName: '*', count: 1 + Math.floor(random() * 2) };
    case 'delay-sqs-message':
    case 'delay-eventbridge-event':
      return { kind, functionName: '*', count: 1, delayMs: 200 + Math.floor(random() * 1_300) };
    case 'provider-5xx':
      return { kind, functionName: '*', count: 1, status: pick(random, [500, 502, 503]) };
    case 'provider-timeout':
      return { kind, functionName: '*', count: 1, delayMs: PROVIDER_LATE_MS };
    default:
      return { kind, functionName: '*', count: 1 };
  }
}
