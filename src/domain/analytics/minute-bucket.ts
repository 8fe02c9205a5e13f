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
 * are merged. `seen` holds the envelope ids already counted here (on time or late), which is what
 * makes counting exactly-once over redelivery: it is written in the same conditional write as the
 * counts, so either both change or neither does.
 */
export interface MinuteBucket extends WindowCounts {
  readonly start: number;
  readonly seen: readonly string[];
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

export const emptyBucket = (start: number): MinuteBucket => ({ ...EMPTY_COUNTS, start, seen: [] });

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

export type BucketOutcome = 'applied' | 'late' | 'duplicate';

/**
 * A bucket while one batch is ingested into it: the envelope ids in a Set and the saga durations held
 * back, so a batch checks an id in constant time and decodes and encodes the duration sketch once
 * (copying the id list and re-encoding the sketch per event made a busy minute quadratic).
 */
export class BucketDraft {
  private counts: WindowCounts;
  private readonly seen: Set<string>;
  private readonly added: string[] = [];
  private readonly durations: number[] = [];

  constructor(private readonly bucket: MinuteBucket) {
    this.counts = bucket;
    this.seen = new Set(bucket.seen);
  }

  /**
   * Adds one event of this bucket's minute: counted (on time) or only counted as late, once.
   * `placed` is the order's OrderPlaced, needed by terminal events.
   */
  apply(envelope: OrderEventEnvelope, placed: PlacedOrder | undefined, isLate: boolean): BucketOutcome {
    const eventId = envelope.metadata.eventId;
    if (this.seen.has(eventId)) return 'duplicate';
    this.seen.add(eventId);
    this.added.push(eventId);
    if (isLate) {
      this.counts = { ...this.counts, late: this.counts.late + 1 };
      return 'late';
    }
    const counted = countEvent(this.counts, envelope, placed);
    this.counts = counted.counts;
    if (counted.durationMs !== undefined) this.durations.push(counted.durationMs);
    return 'applied';
  }

  /** Whether any event was added (a batch of duplicates leaves the bucket as it was). */
  get changed(): boolean {
    return this.added.length > 0;
  }

  toBucket(): MinuteBucket {
    const { start, seen } = this.bucket;
    return {
      ...this.counts,
      sagaDurations: recordDurations(this.counts.sagaDurations, this.durations),
      start,
      seen: [...seen, ...this.added],
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
