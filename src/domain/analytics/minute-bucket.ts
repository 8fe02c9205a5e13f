import { eventOf, type OrderEventEnvelope } from '../orders/order-envelopes';
import { type EncodedSketch, EMPTY_SKETCH, mergeSketches, recordDurations } from './duration-sketch';

/**
 * What the analytics consumer remembers of an order from its OrderPlaced: terminal events carry neither
 * the amount nor the time the order was placed, and revenue and saga duration need both.
 */
export interface PlacedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly placedAtMs: number;
  readonly currency: string;
  readonly total: number;
}

export const placedOrderOf = (envelope: OrderEventEnvelope): PlacedOrder | undefined => {
  const event = eventOf(envelope);
  if (event.type !== 'OrderPlaced') return undefined;
  return {
    orderId: event.data.orderId,
    customerId: event.data.customerId,
    placedAtMs: Date.parse(event.data.placedAt),
    currency: event.data.currency,
    total: event.data.total,
  };
};

/** Counts of one window; a 1-minute bucket, or the merge of several for a sliding view. */
export interface WindowCounts {
  readonly placed: number;
  readonly confirmed: number;
  readonly cancelledByReason: Readonly<Record<string, number>>;
  /** Value of the orders confirmed in the window, integer minor units per currency. */
  readonly revenue: Readonly<Record<string, number>>;
  /** Quantity ordered per SKU (from OrderPlaced). */
  readonly skuQuantities: Readonly<Record<string, number>>;
  readonly paymentsAuthorized: number;
  readonly paymentsDeclined: number;
  readonly reviewsRequested: number;
  /** Saga durations (placed → confirmed or cancelled) of the orders that ended in the window. */
  readonly sagaDurations: EncodedSketch;
  /** Terminal events of orders whose OrderPlaced the consumer never saw: no revenue nor duration for them. */
  readonly terminalWithoutPlaced: number;
  /** Events of this window that arrived after it closed (watermark past its end + allowed lateness). */
  readonly late: number;
}

/**
 * A 1-minute tumbling bucket (event time), the unit that is stored and from which the sliding views
 * are merged. Which events it counted is the partition's business (its cursor's offset and recent
 * ids, written in the same conditional write), so the bucket stays the size of its counts.
 */
export interface MinuteBucket extends WindowCounts {
  readonly start: number;
}

export const EMPTY_COUNTS: WindowCounts = {
  placed: 0,
  confirmed: 0,
  cancelledByReason: {},
  revenue: {},
  skuQuantities: {},
  paymentsAuthorized: 0,
  paymentsDeclined: 0,
  reviewsRequested: 0,
  sagaDurations: EMPTY_SKETCH,
  terminalWithoutPlaced: 0,
  late: 0,
};

export const emptyBucket = (start: number): MinuteBucket => ({ ...EMPTY_COUNTS, start });

const add = (record: Readonly<Record<string, number>>, key: string, n: number): Record<string, number> => ({
  ...record,
  [key]: (record[key] ?? 0) + n,
});

const addAll = (
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Record<string, number> => Object.entries(b).reduce((sum, [key, n]) => add(sum, key, n), { ...a });

/** What one on-time event adds: new counts, and the order's saga duration when the event ends it. */
interface Counted {
  readonly counts: WindowCounts;
  readonly durationMs?: number;
}

const terminal = (counts: WindowCounts, placed: PlacedOrder | undefined, endedAtMs: number): Counted =>
  placed === undefined
    ? { counts: { ...counts, terminalWithoutPlaced: counts.terminalWithoutPlaced + 1 } }
    : { counts, durationMs: endedAtMs - placed.placedAtMs };

/** The counts with one on-time event added; events that do not move a metric leave them as they are. */
const countEvent = (
  counts: WindowCounts,
  envelope: OrderEventEnvelope,
  placed: PlacedOrder | undefined,
): Counted => {
  const event = eventOf(envelope);
  const at = Date.parse(envelope.metadata.occurredAt);
  switch (event.type) {
    case 'OrderPlaced':
      return {
        counts: {
          ...counts,
          placed: counts.placed + 1,
          skuQuantities: event.data.items.reduce(
            (q, line) => add(q, line.sku, line.quantity),
            counts.skuQuantities,
          ),
        },
      };
    case 'OrderConfirmed': {
      const withRevenue =
        placed === undefined
          ? counts
          : { ...counts, revenue: add(counts.revenue, placed.currency, placed.total) };
      return terminal({ ...withRevenue, confirmed: counts.confirmed + 1 }, placed, at);
    }
    case 'OrderCancelled':
      return terminal(
        { ...counts, cancelledByReason: add(counts.cancelledByReason, event.data.reason, 1) },
        placed,
        at,
      );
    case 'PaymentAuthorized':
      return { counts: { ...counts, paymentsAuthorized: counts.paymentsAuthorized + 1 } };
    case 'PaymentDeclined':
      return { counts: { ...counts, paymentsDeclined: counts.paymentsDeclined + 1 } };
    case 'ReviewRequested':
      return { counts: { ...counts, reviewsRequested: counts.reviewsRequested + 1 } };
    default:
      return { counts };
  }
};

export type BucketOutcome = 'applied' | 'late';

/**
 * A bucket while one batch is ingested into it: the saga durations held back, so a batch decodes and
 * encodes the duration sketch once (re-encoding it per event made a busy minute quadratic).
 */
export class BucketDraft {
  private counts: WindowCounts;
  private readonly durations: number[] = [];

  constructor(
    private readonly start: number,
    bucket: WindowCounts,
  ) {
    this.counts = bucket;
  }

  /**
   * Adds one event of this bucket's minute, counted (on time) or only counted as late; the caller has
   * made sure it was not counted before. `placed` is the order's OrderPlaced, needed by terminal events.
   */
  apply(envelope: OrderEventEnvelope, placed: PlacedOrder | undefined, isLate: boolean): BucketOutcome {
    if (isLate) {
      this.counts = { ...this.counts, late: this.counts.late + 1 };
      return 'late';
    }
    const counted = countEvent(this.counts, envelope, placed);
    this.counts = counted.counts;
    if (counted.durationMs !== undefined) this.durations.push(counted.durationMs);
    return 'applied';
  }

  toBucket(): MinuteBucket {
    const c = this.counts;
    // Field by field: a bucket read back may carry what older versions stored with it.
    return {
      start: this.start,
      placed: c.placed,
      confirmed: c.confirmed,
      cancelledByReason: c.cancelledByReason,
      revenue: c.revenue,
      skuQuantities: c.skuQuantities,
      paymentsAuthorized: c.paymentsAuthorized,
      paymentsDeclined: c.paymentsDeclined,
      reviewsRequested: c.reviewsRequested,
      sagaDurations: recordDurations(c.sagaDurations, this.durations),
      terminalWithoutPlaced: c.terminalWithoutPlaced,
      late: c.late,
    };
  }
}

/** Sums counts; the sketches merge, which is why the durations are a sketch and not percentiles. */
export const mergeCounts = (all: readonly WindowCounts[]): WindowCounts =>
  all.reduce<WindowCounts>(
    (sum, c) => ({
      placed: sum.placed + c.placed,
      confirmed: sum.confirmed + c.confirmed,
      cancelledByReason: addAll(sum.cancelledByReason, c.cancelledByReason),
      revenue: addAll(sum.revenue, c.revenue),
      skuQuantities: addAll(sum.skuQuantities, c.skuQuantities),
      paymentsAuthorized: sum.paymentsAuthorized + c.paymentsAuthorized,
      paymentsDeclined: sum.paymentsDeclined + c.paymentsDeclined,
      reviewsRequested: sum.reviewsRequested + c.reviewsRequested,
      sagaDurations: mergeSketches([sum.sagaDurations, c.sagaDurations]),
      terminalWithoutPlaced: sum.terminalWithoutPlaced + c.terminalWithoutPlaced,
      late: sum.late + c.late,
    }),
    EMPTY_COUNTS,
  );
