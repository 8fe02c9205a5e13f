import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

export type StringAttributes = Record<string, { DataType: 'String' | 'Number'; StringValue: string }>;

/** Publishes JSON messages to one topic, with the message attributes subscriptions filter on. */
export class TopicPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(message: unknown, attributes: StringAttributes): Promise<string | undefined> {
    const { MessageId } = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(message),
        MessageAttributes: attributes,
      }),
    );
    return MessageId;
  }
}
