import { api, eventually, placeOrder, setStock, validOrder } from './api';
import { stackUrls } from './stack';

let skuSeq = 0;
/**
 * A SKU no other test touches, stocked with `available` units and priced at `unitPrice` (minor units of
 * `currency`): orders are priced from the catalogue, so a line that quotes a price must quote this one.
 */
export async function stockedSku(available: number, unitPrice = 1000, currency = 'EUR'): Promise<string> {
  skuSeq += 1;
  const sku = `SAGA-${process.pid}-${Date.now().toString(36)}-${skuSeq}`.toUpperCase();
  await setStock(sku, { available, unitPrice, currency });
  return sku;
}

export interface OrderView {
  orderId: string;
  status: string;
  total: number;
  version: number;
  cancellationReason?: string;
}

export const placeSagaOrder = async (
  lines: { sku: string; quantity: number; unitPrice?: number }[],
  overrides: Record<string, unknown> = {},
) => placeOrder(validOrder({ items: lines, ...overrides }));

/** Waits until the order's view reaches one of `statuses` (the saga runs asynchronously). */
export const orderReaches = (orderId: string, statuses: readonly string[], timeoutMs = 90_000) =>
  eventually(
    () => api<OrderView>('GET', `/orders/${orderId}`),
    (r) => r.status === 200 && statuses.includes(r.body.status),
    timeoutMs,
  ).then((r) => r.body);

/** The SKU's stock counts (its price, which GET /inventory/{sku} also shows, left out). */
export const stockOf = async (sku: string) => {
  const { body } = await api<{ sku: string; available: number; reserved: number }>(
    'GET',
    `/inventory/${sku}`,
  );
  return { sku: body.sku, available: body.available, reserved: body.reserved };
};

export interface Ledger {
  entries: { type: string; amount: number }[];
  totals: { authorized: number; captured: number; refunded: number; voided: number };
}

export const ledgerOf = async (orderId: string): Promise<Ledger> => {
  const response = await fetch(`${stackUrls().payments}/v1/ledger?orderId=${orderId}`);
  return (await response.json()) as Ledger;
};

export interface SagaView {
  executionArn: string;
  status: string;
  steps: { name: string; status: string; attempts: number; error?: { error: string } }[];
}

/** Waits until the saga's execution has ended, and returns its view. */
export const sagaEnds = (orderId: string, timeoutMs = 90_000) =>
  eventually(
    () => api<SagaView>('GET', `/orders/${orderId}/saga`),
    (r) => r.status === 200 && r.body.status !== 'RUNNING',
    timeoutMs,
  ).then((r) => r.body);
