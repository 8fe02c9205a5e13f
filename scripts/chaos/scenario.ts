import { pick } from './random';

export interface PlannedOrder {
  readonly index: number;
  readonly lines: { sku: string; quantity: number; unitPrice: number }[];
  readonly token: string;
  readonly country: string;
  /** What a reviewer answers, for orders over the review threshold. */
  readonly review?: 'approve' | 'reject';
  /** The customer cancels this order shortly after placing it. */
  readonly customerCancels: boolean;
}

export const CHAOS_SKUS = ['CHAOS-A', 'CHAOS-B', 'CHAOS-C', 'CHAOS-D'];
const TOKENS = [
  'tok_visa',
  'tok_visa',
  'tok_visa',
  'tok_mastercard',
  'tok_flaky',
  'tok_decline',
  'tok_insufficient_funds',
  'tok_timeout',
];
const REVIEW_PRICE = 120_000;

/** A seeded mix: single and multi-SKU orders, every payment token, review and cancel paths, unserved addresses. */
export function planOrders(count: number, random: () => number): PlannedOrder[] {
  return Array.from({ length: count }, (_, index) => {
    const large = random() < 0.08;
    const skus = [...CHAOS_SKUS].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 2));
    return {
      index,
      lines: skus.map((sku) => ({
        sku,
        quantity: 1 + Math.floor(random() * 3),
        unitPrice: large ? REVIEW_PRICE : 500 + Math.floor(random() * 5000),
      })),
      token: pick(random, TOKENS),
      country: random() < 0.05 ? 'AQ' : 'DE',
      review: large ? pick(random, ['approve', 'reject'] as const) : undefined,
      customerCancels: random() < 0.08,
    };
  });
}
