import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

export type ReviewStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface Review {
  readonly orderId: string;
  readonly status: ReviewStatus;
  /** The saga's task token; answering it moves the order on. */
  readonly taskToken: string;
  readonly total: number;
  readonly requestedAt: string;
  readonly decidedAt?: string;
  readonly reviewer?: string;
}

/** Orders waiting for a person, with the task token that resumes their saga. */
export class ReviewsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Opens (or, for a retried step, re-opens with the newest token) the review of an order. */
  async open(review: Omit<Review, 'status'>): Promise<void> {
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
      // Already decided: the decision stands, a late retry of the step changes nothing.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(orderId: string): Promise<Review | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }),
    );
    return Item as Review | undefined;
  }

  /** Records the decision once; false when the review was no longer pending. */
  async decide(
    orderId: string,
    status: Exclude<ReviewStatus, 'PENDING'>,
    reviewer: string,
    at: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: 'SET #s = :status, reviewer = :reviewer, decidedAt = :at',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':reviewer': reviewer,
            ':at': at,
            ':pending': 'PENDING',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async pending(limit: number): Promise<Review[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING' },
        Limit: limit,
      }),
    );
    return Items as Review[];
  }
}
