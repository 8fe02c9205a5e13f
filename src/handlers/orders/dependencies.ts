import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventStore } from '../../adapters/dynamodb/event-store';
import { IdempotencyStore } from '../../adapters/dynamodb/idempotency-store';
import { ReadModel } from '../../adapters/dynamodb/read-model';
import { requiredEnv } from '../../adapters/env';

// Built on first use, once per container, from the tables serverless.yml hands each function.
let eventStore: EventStore | undefined;
let readModel: ReadModel | undefined;
let idempotency: IdempotencyStore | undefined;

export const orderEventStore = (): EventStore =>
  (eventStore ??= new EventStore(documentClient(), requiredEnv('EVENT_STORE_TABLE')));

export const orderReadModel = (): ReadModel =>
  (readModel ??= new ReadModel(documentClient(), requiredEnv('READ_MODEL_TABLE')));

export const idempotencyStore = (): IdempotencyStore =>
  (idempotency ??= new IdempotencyStore(documentClient(), requiredEnv('IDEMPOTENCY_TABLE')));
