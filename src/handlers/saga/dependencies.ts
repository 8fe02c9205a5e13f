import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventStore } from '../../adapters/dynamodb/event-store';
import { InventoryStore } from '../../adapters/dynamodb/inventory-store';
import { requiredEnv } from '../../adapters/env';
import { PaymentProvider } from '../../adapters/payments/payment-provider';

let store: EventStore | undefined;
let inventory: InventoryStore | undefined;
let payments: PaymentProvider | undefined;

export const orderEventStore = (): EventStore =>
  (store ??= new EventStore(documentClient(), requiredEnv('EVENT_STORE_TABLE')));
export const inventoryStore = (): InventoryStore =>
  (inventory ??= new InventoryStore(documentClient(), requiredEnv('INVENTORY_TABLE')));
export const paymentProvider = (): PaymentProvider =>
  (payments ??= new PaymentProvider({
    baseUrl: requiredEnv('PAYMENT_PROVIDER_URL'),
    timeoutMs: Number(process.env.PAYMENT_TIMEOUT_MS ?? 3000),
  }));
