import { pick } from './random';

export interface PlannedOrder {
  readonly index: number;
  /** A line quotes the catalogue's price half the time; the other half leaves pricing to the catalogue. */
  readonly lines: { sku: string; quantity: number; unitPrice?: number }[];
  readonly token: string;
  readonly country: string;
  /** What a reviewer answers, for orders over the review threshold. */
  readonly review?: 'approve' | 'reject';
  /** The customer cancels this order shortly after placing it. */
  readonly customerCancels: boolean;
}

/** The catalogue the run sets up (unit prices in minor units of CHAOS_CURRENCY); orders are priced from it. */
export const CHAOS_CATALOGUE: Readonly<Record<string, number>> = {
  'CHAOS-A': 1250,
  'CHAOS-B': 799,
  'CHAOS-C': 4999,
  'CHAOS-D': 350,
  // Over the review threshold on its own: every order with it waits for a reviewer.
  'CHAOS-XL': 120_000,
};
export const CHAOS_CURRENCY = 'EUR';
export const CHAOS_SKUS = Object.keys(CHAOS_CATALOGUE);
const EVERYDAY_SKUS = CHAOS_SKUS.filter((sku) => sku !== 'CHAOS-XL');
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
/** A seeded mix: single and multi-SKU orders, every payment token, review and cancel paths, unserved addresses. */
export function planOrders(count: number, random: () => number): PlannedOrder[] {
  return Array.from({ length: count }, (_, index) => {
    const large = random() < 0.08;
    const picked = [...EVERYDAY_SKUS].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 2));
    const skus = large ? ['CHAOS-XL', ...picked.slice(1)] : picked;
    return {
      index,
      lines: skus.map((sku) => {
        const quantity = 1 + Math.floor(random() * 3);
        return random() < 0.5 ? { sku, quantity, unitPrice: CHAOS_CATALOGUE[sku] } : { sku, quantity };
      }),
      token: pick(random, TOKENS),
      country: random() < 0.05 ? 'AQ' : 'DE',
      review: large ? pick(random, ['approve', 'reject'] as const) : undefined,
      customerCancels: random() < 0.08,
    };
  });
}
