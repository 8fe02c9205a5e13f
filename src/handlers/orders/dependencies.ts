import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventStore } from '../../adapters/dynamodb/event-store';
import { IdempotencyStore } from '../../adapters/dynamodb/idempotency-store';
import { PageTokens } from '../../adapters/dynamodb/page-token';
import { ReadModel } from '../../adapters/dynamodb/read-model';
import { appSecret } from '../../adapters/app-secret';
import { requiredEnv } from '../../adapters/env';
import { PaymentMethodReferences } from '../../adapters/payments/payment-method-reference';

// Built on first use, once per container, from the tables and settings serverless.yml hands each function.
let eventStore: EventStore | undefined;
let readModel: ReadModel | undefined;
let idempotency: IdempotencyStore | undefined;
let tokens: PageTokens | undefined;
let references: PaymentMethodReferences | undefined;

export const orderEventStore = (): EventStore =>
  (eventStore ??= new EventStore(documentClient(), requiredEnv('EVENT_STORE_TABLE')));

export const orderReadModel = (): ReadModel =>
  (readModel ??= new ReadModel(documentClient(), requiredEnv('READ_MODEL_TABLE')));

export const idempotencyStore = (): IdempotencyStore =>
  (idempotency ??= new IdempotencyStore(documentClient(), requiredEnv('IDEMPOTENCY_TABLE')));

export const pageTokens = (): PageTokens => (tokens ??= new PageTokens(appSecret()));

export const paymentMethodReferences = (): PaymentMethodReferences =>
  (references ??= new PaymentMethodReferences(appSecret()));
