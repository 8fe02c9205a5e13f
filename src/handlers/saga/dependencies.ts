import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventStore } from '../../adapters/dynamodb/event-store';
import { InventoryStore } from '../../adapters/dynamodb/inventory-store';
import { appSecret } from '../../adapters/app-secret';
import { requiredEnv } from '../../adapters/env';
import { PaymentMethodReferences } from '../../adapters/payments/payment-method-reference';
import { PaymentProvider } from '../../adapters/payments/payment-provider';

let store: EventStore | undefined;
let inventory: InventoryStore | undefined;
let payments: PaymentProvider | undefined;
let references: PaymentMethodReferences | undefined;

export const orderEventStore = (): EventStore =>
  (store ??= new EventStore(documentClient(), requiredEnv('EVENT_STORE_TABLE')));
export const inventoryStore = (): InventoryStore =>
  (inventory ??= new InventoryStore(documentClient(), requiredEnv('INVENTORY_TABLE')));
export const paymentProvider = (): PaymentProvider =>
  (payments ??= new PaymentProvider({
    baseUrl: requiredEnv('PAYMENT_PROVIDER_URL'),
    timeoutMs: Number(process.env.PAYMENT_TIMEOUT_MS ?? 3000),
  }));
/** Only the payment step opens references, so only it is given the stack's secret (APP_SECRET). */
export const paymentMethodReferences = (): PaymentMethodReferences =>
  (references ??= new PaymentMethodReferences(appSecret()));
