import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventStore } from '../../adapters/dynamodb/event-store';
import { NotificationsStore } from '../../adapters/dynamodb/notifications-store';
import { snsClient } from '../../adapters/clients';
import { requiredEnv } from '../../adapters/env';
import { TopicPublisher } from '../../adapters/sns/topic-publisher';

let store: EventStore | undefined;
let notifications: NotificationsStore | undefined;
let topic: TopicPublisher | undefined;

export const orderEventStore = (): EventStore =>
  (store ??= new EventStore(documentClient(), requiredEnv('EVENT_STORE_TABLE')));
export const notificationsStore = (): NotificationsStore =>
  (notifications ??= new NotificationsStore(documentClient(), requiredEnv('NOTIFICATIONS_TABLE')));
export const notificationsTopic = (): TopicPublisher =>
  (topic ??= new TopicPublisher(snsClient(), requiredEnv('NOTIFICATIONS_TOPIC_ARN')));
