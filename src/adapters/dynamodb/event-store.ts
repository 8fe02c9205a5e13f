import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrencyError } from '../../domain/shared/errors';
import type { EventEnvelope } from '../../domain/shared/envelope';
import { fromItem, streamIdOf, toItem } from './event-items';

export { envelopeParts, fromItem, streamIdOf, toItem, type StoredEventItem } from './event-items';

/**
 * The order streams. Appends are conditional on the version being free, so of two writers at the
 * same version exactly one wins; the table's stream carries the appended events onward (the outbox).
 */
export class EventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(orderId: string): Promise<EventEnvelope<unknown>[]> {
    const envelopes: EventEnvelope<unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'streamId = :s',
          ExpressionAttributeValues: { ':s': streamIdOf(orderId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) envelopes.push(fromItem(item, this.tableName));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return envelopes;
  }

  /** Every order id with a stream, page by page (a full scan: for rebuilds and audits, not requests). */
  async *orderIds(): AsyncGenerator<string> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ProjectionExpression: 'streamId, version',
          FilterExpression: 'version = :first',
          ExpressionAttributeValues: { ':first': 1 },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const streamId = String(item.streamId);
        if (streamId.startsWith('order#')) yield streamId.slice('order#'.length);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /**
   * Appends events whose versions follow on from the stream's current one. The first write is the
   * concurrency guard; a lost race surfaces as ConcurrencyError and nothing of this call is written.
   */
  async append(envelopes: readonly EventEnvelope<unknown>[]): Promise<void> {
    for (const envelope of envelopes) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(envelope),
            ConditionExpression: 'attribute_not_exists(version)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new ConcurrencyError(streamIdOf(envelope.metadata.orderId), envelope.metadata.version - 1);
        }
        throw error;
      }
    }
  }
}
