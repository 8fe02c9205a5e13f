import { DynamoAlertsStore } from '../../adapters/dynamodb/alerts-store';
import { DynamoAnalyticsStore } from '../../adapters/dynamodb/analytics-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventStore } from '../../adapters/dynamodb/event-store';
import { IdempotencyStore } from '../../adapters/dynamodb/idempotency-store';
import { InventoryStore } from '../../adapters/dynamodb/inventory-store';
import { NotificationsStore } from '../../adapters/dynamodb/notifications-store';
import { PageTokens } from '../../adapters/dynamodb/page-token';
import { ReadModel } from '../../adapters/dynamodb/read-model';
import { ReviewsStore } from '../../adapters/dynamodb/reviews-store';
import { PaymentMethodReferences } from '../../adapters/payments/payment-method-reference';
import { PaymentProvider } from '../../adapters/payments/payment-provider';
import { setting } from '../../config';
import { DEFAULT_WINDOWING, type WindowingConfig } from '../../domain/analytics';
import type { RuleConfigs } from '../../domain/analytics/rules';
import { once } from './once';

/*
 * The composition root, in one module per AWS client a dependency needs: the SDK packages are external
 * to the bundles and a bundle keeps every `require` its modules make, so one module building everything
 * made every function load the SNS, Step Functions and EventBridge clients at cold start. Everything is
 * built on first use, once per container, from the settings src/config.ts decodes (a missing or
 * malformed setting fails with its name). This module: DynamoDB stores and what needs no AWS client.
 */

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
export const analyticsStore = once(
  () => new DynamoAnalyticsStore(documentClient(), setting('ANALYTICS_TABLE')),
);
export const analyticsWindowing = once((): WindowingConfig => ({
  ...DEFAULT_WINDOWING,
  allowedLatenessMs: setting('ANALYTICS_ALLOWED_LATENESS_SECONDS') * 1000,
}));
export const alertsStore = once(() => new DynamoAlertsStore(documentClient(), setting('ANALYTICS_TABLE')));
/** The alert rules' per-stage thresholds (custom.analytics.alerts), by rule id. */
export const alertRuleConfigs = once((): RuleConfigs => ({
  velocity: {
    windowMs: setting('ALERT_VELOCITY_WINDOW_SECONDS') * 1000,
    maxOrders: setting('ALERT_VELOCITY_MAX_ORDERS'),
    maxTotal: setting('ALERT_VELOCITY_MAX_TOTAL_MINOR'),
  },
  'decline-spike': {
    windowMs: setting('ALERT_DECLINE_WINDOW_SECONDS') * 1000,
    maxDeclineRate: setting('ALERT_DECLINE_MAX_RATE_PERCENT') / 100,
    minAttempts: setting('ALERT_DECLINE_MIN_ATTEMPTS'),
  },
  'stuck-order': { maxOpenMs: setting('ALERT_STUCK_ORDER_SECONDS') * 1000 },
  'review-backlog': {
    maxWaiting: setting('ALERT_REVIEW_MAX_WAITING'),
    slaMs: setting('ALERT_REVIEW_SLA_SECONDS') * 1000,
  },
}));

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
