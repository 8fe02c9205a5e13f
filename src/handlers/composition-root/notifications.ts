import { snsClient } from '../../adapters/clients-sns';
import { TopicPublisher } from '../../adapters/sns/topic-publisher';
import { setting } from '../../config';
import { once } from './once';

/** The notifications topic (SNS client): see stores.ts for why this is a module of its own. */
export const notificationsTopic = once(
  () => new TopicPublisher(snsClient(), setting('NOTIFICATIONS_TOPIC_ARN')),
);
