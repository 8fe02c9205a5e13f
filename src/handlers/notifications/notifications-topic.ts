import { snsClient } from '../../adapters/clients-sns';
import { requiredEnv } from '../../adapters/env';
import { TopicPublisher } from '../../adapters/sns/topic-publisher';

let topic: TopicPublisher | undefined;

/** The notifications topic (SNS), apart from ./dependencies so that only the bundle that publishes loads SNS. */
export const notificationsTopic = (): TopicPublisher =>
  (topic ??= new TopicPublisher(snsClient(), requiredEnv('NOTIFICATIONS_TOPIC_ARN')));
