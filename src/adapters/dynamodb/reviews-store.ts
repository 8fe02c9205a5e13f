import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as t from 'io-ts';
import { IsoDateTime, NonEmptyString, NonNegativeInteger } from '../../domain/shared/codecs';
import { decodeItem, decodeItems, type ItemSource } from './stored-items';

/** PENDING until the review ends: decided (APPROVED, REJECTED), ended by the order (CANCELLED) or by its timeout. */
export const ReviewStatus = t.keyof(
  { PENDING: null, APPROVED: null, REJECTED: null, CANCELLED: null, TIMED_OUT: null },
  'ReviewStatus',
);
export type ReviewStatus = t.TypeOf<typeof ReviewStatus>;

/** A review as the table holds it; the codec reads one back. */
export const Review = t.readonly(
  t.intersection([
    t.type({
      orderId: NonEmptyString,
      status: ReviewStatus,
      /** The saga's task token; answering it moves the order on. */
      taskToken: NonEmptyString,
      total: NonNegativeInteger,
      requestedAt: IsoDateTime,
    }),
    t.partial({
      /** When the saga's review timeout fires (ISO-8601); absent on reviews opened before it was recorded. */
      expiresAt: IsoDateTime,
      /** When the review ended, and who decided it. */
      decidedAt: IsoDateTime,
      reviewer: t.string,
    }),
  ]),
  'Review',
);
export type Review = t.TypeOf<typeof Review>;

const source = (table: string): ItemSource => ({ table, keyNames: ['orderId'] });

/**
 * Orders waiting for a person, with the task token that resumes their saga. The order's event stream
 * is the record of the decision; this table holds the token and says which reviews are still open.
 */
export class ReviewsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Opens (or, for a retried step, re-opens with the newest token) the review of an order. */
  async open(review: Omit<Review, 'status' | 'decidedAt' | 'reviewer'>): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...review, status: 'PENDING' },
          ConditionExpression: 'attribute_not_exists(orderId) OR #s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      );
    } catch (error) {
      // Already ended: the outcome stands, a late retry of the step changes nothing.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(orderId: string): Promise<Review | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : decodeItem(Review, Item, source(this.tableName));
  }

  /**
   * Ends a pending review with how it ended; false when it had already ended (or there is none). Called
   * after the outcome is in the order's stream and the saga has its answer, so it only tidies the list.
   */
  async close(
    orderId: string,
    status: Exclude<ReviewStatus, 'PENDING'>,
    at: string,
    reviewer?: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: `SET #s = :status, decidedAt = :at${reviewer === undefined ? '' : ', reviewer = :reviewer'}`,
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': at,
            ':pending': 'PENDING',
            ...(reviewer === undefined ? {} : { ':reviewer': reviewer }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Open reviews whose timeout has not fired by `now`, oldest first, up to `limit`. A review whose saga
   * timed out is closed by the saga's compensation; until then it is left out here by its expiry.
   */
  async pending(limit: number, now: Date): Promise<Review[]> {
    const reviews: Review[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: '#s = :pending',
          FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':now': now.toISOString() },
          Limit: limit,
          ExclusiveStartKey: startKey,
        }),
      );
      reviews.push(...decodeItems(Review, page.Items, source(this.tableName)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && reviews.length < limit);
    return reviews.slice(0, limit);
  }
}
