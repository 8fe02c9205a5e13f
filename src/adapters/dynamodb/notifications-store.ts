import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Notification } from '../../domain/notifications';
import { decodeItems } from './stored-items';

/** Outbound messages per order; the key makes a redelivered message a no-op. */
export class NotificationsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records the notification once; returns false when it was already recorded. */
  async record(notification: Notification): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: notification,
          ConditionExpression: 'attribute_not_exists(notificationId)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async forOrder(orderId: string): Promise<Notification[]> {
    const items: Notification[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'orderId = :o',
          ExpressionAttributeValues: { ':o': orderId },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(
        ...decodeItems(Notification, page.Items, {
          table: this.tableName,
          keyNames: ['orderId', 'notificationId'],
        }),
      );
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.notificationId.localeCompare(b.notificationId),
    );
  }
}
