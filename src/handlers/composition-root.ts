import { documentClient } from '../adapters/dynamodb/document-client';
import { EventStore } from '../adapters/dynamodb/event-store';
import { IdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { InventoryStore } from '../adapters/dynamodb/inventory-store';
import { NotificationsStore } from '../adapters/dynamodb/notifications-store';
import { PageTokens } from '../adapters/dynamodb/page-token';
import { ReadModel } from '../adapters/dynamodb/read-model';
import { ReviewsStore } from '../adapters/dynamodb/reviews-store';
import { eventBridgeClient } from '../adapters/clients-eventbridge';
import { EventPublisher } from '../adapters/eventbridge/event-publisher';
import { sfnClient } from '../adapters/clients-sfn';
import { snsClient } from '../adapters/clients-sns';
import { PaymentMethodReferences } from '../adapters/payments/payment-method-reference';
import { PaymentProvider } from '../adapters/payments/payment-provider';
import { TopicPublisher } from '../adapters/sns/topic-publisher';
import { SagaClient } from '../adapters/stepfunctions/saga-client';
import { setting } from '../config';

/*
 * The composition root: every store and client the functions use is built here, and only here, on
 * first use and once per container, from the settings src/config.ts decodes (a function's first use of
 * a dependency whose setting is missing or malformed fails with the setting's name). The SDK clients
 * are built lazily too (src/adapters/clients-*), so a function pays only for the clients it calls.
 */

const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => (built ??= build());
};

export const orderEventStore = once(() => new EventStore(documentClient(), setting('EVENT_STORE_TABLE')));
export const orderReadModel = once(() => new ReadModel(documentClient(), setting('READ_MODEL_TABLE')));
export const idempotencyStore = once(
  () => new IdempotencyStore(documentClient(), setting('IDEMPOTENCY_TABLE')),
);
export const inventoryStore = once(() => new InventoryStore(documentClient(), setting('INVENTORY_TABLE')));
export const notificationsStore = once(
  () => new NotificationsStore(documentClient(), setting('NOTIFICATIONS_TABLE')),
);
export const reviewsStore = once(() => new ReviewsStore(documentClient(), setting('REVIEWS_TABLE')));

/** Page tokens are signed with a key derived from the stack's secret (APP_SECRET). */
export const pageTokens = once(() => new PageTokens(setting('APP_SECRET')));
/** Seals payment tokens (placeOrder) and opens them (AuthorizePayment, the only step given the secret). */
export const paymentMethodReferences = once(() => new PaymentMethodReferences(setting('APP_SECRET')));

export const paymentProvider = once(
  () =>
    new PaymentProvider({
      baseUrl: setting('PAYMENT_PROVIDER_URL'),
      timeoutMs: setting('PAYMENT_TIMEOUT_MS'),
    }),
);

export const sagaClient = once(() => new SagaClient(sfnClient(), setting('STATE_MACHINE_ARN')));
export const notificationsTopic = once(
  () => new TopicPublisher(snsClient(), setting('NOTIFICATIONS_TOPIC_ARN')),
);

/** The bus the outbox publishes to; `sourceOf` names each event type's source (the caller's table). */
export const eventPublisher = (sourceOf: (type: string) => string): EventPublisher =>
  (publisher ??= new EventPublisher(eventBridgeClient(), setting('EVENT_BUS_NAME'), sourceOf));
let publisher: EventPublisher | undefined;
