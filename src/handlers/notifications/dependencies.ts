import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventStore } from '../../adapters/dynamodb/event-store';
import { NotificationsStore } from '../../adapters/dynamodb/notifications-store';
import { requiredEnv } from '../../adapters/env';

// The topic is in ./notifications-topic: only publishOutcome publishes, and the others need not load SNS.
let store: EventStore | undefined;
let notifications: NotificationsStore | undefined;

export const orderEventStore = (): EventStore =>
  (store ??= new EventStore(documentClient(), requiredEnv('EVENT_STORE_TABLE')));
export const notificationsStore = (): NotificationsStore =>
  (notifications ??= new NotificationsStore(documentClient(), requiredEnv('NOTIFICATIONS_TABLE')));
