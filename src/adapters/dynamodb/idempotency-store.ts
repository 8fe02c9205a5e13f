import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface IdempotencyRecord {
  readonly id: string;
  readonly requestHash: string;
  /** What the first request decided (e.g. the order id), so a repeat can give the same answer. */
  readonly result: Record<string, string>;
  readonly createdAt: string;
  /** Epoch seconds; DynamoDB TTL removes the record after it. */
  readonly expiresAt: number;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Keyed records of requests already accepted. The first request claims the key with a conditional
 * write; a repeat reads the claim back. Expired records are ignored even before TTL deletes them.
 */
export class IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlSeconds = DAY_SECONDS,
  ) {}

  /** The live record of `id` (strongly consistent), or undefined when there is none or it expired. */
  async find(id: string, now: Date): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    const record = Item as IdempotencyRecord | undefined;
    return record && record.expiresAt >= Math.floor(now.getTime() / 1000) ? record : undefined;
  }

  /** Claims `id` for this request, or returns the live record that claimed it first. */
  async claim(
    id: string,
    requestHash: string,
    result: Record<string, string>,
    now: Date,
  ): Promise<{ claimed: true } | { claimed: false; existing: IdempotencyRecord }> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const record: IdempotencyRecord = {
      id,
      requestHash,
      result,
      createdAt: now.toISOString(),
      expiresAt: nowSeconds + this.ttlSeconds,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(id) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return { claimed: false, existing: Item as IdempotencyRecord };
  }
}
