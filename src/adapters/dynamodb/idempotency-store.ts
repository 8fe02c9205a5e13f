import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as t from 'io-ts';
import { IsoDateTime, NonEmptyString, NonNegativeInteger } from '../../domain/shared/codecs';
import { ConcurrencyError } from '../../domain/shared/errors';
import { decodeItem, type ItemSource } from './stored-items';

/** A claimed idempotency key, as the table holds it; the codec reads one back. */
export const IdempotencyRecord = t.readonly(
  t.type({
    id: NonEmptyString,
    requestHash: NonEmptyString,
    /** What the first request decided (e.g. the order id), so a repeat can give the same answer. */
    result: t.record(t.string, t.string),
    createdAt: IsoDateTime,
    /** Epoch seconds; DynamoDB TTL removes the record after it. */
    expiresAt: NonNegativeInteger,
  }),
  'IdempotencyRecord',
);
export type IdempotencyRecord = t.TypeOf<typeof IdempotencyRecord>;

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
    const record = await this.read(id);
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
    // A record can vanish between the refused put and the read (TTL deletes it as it expires): then
    // the key is free and the put is tried once more.
    for (let attempt = 1; ; attempt += 1) {
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
      const existing = await this.read(id);
      if (existing) return { claimed: false, existing };
      if (attempt >= 2) throw new ConcurrencyError(`idempotency#${id}`, 0);
    }
  }

  /** The stored record of `id`, expired or not (strongly consistent). */
  private async read(id: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : decodeItem(IdempotencyRecord, Item, this.source);
  }

  private get source(): ItemSource {
    return { table: this.tableName, keyNames: ['id'] };
  }
}
