import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderView } from '../../domain/orders';

export interface OrderPage {
  readonly items: OrderView[];
  readonly nextToken?: string;
}

export class InvalidPageTokenError extends Error {
  override readonly name = 'InvalidPageTokenError';
}

const encodeToken = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

const decodeToken = (token: string): Record<string, unknown> => {
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const valid =
      typeof key === 'object' &&
      key !== null &&
      ['orderId', 'customerId', 'placedAt'].every(
        (name) => typeof (key as Record<string, unknown>)[name] === 'string',
      );
    if (valid) return key as Record<string, unknown>;
  } catch {
    // falls through to the typed error
  }
  throw new InvalidPageTokenError('nextToken is not a token this API issued');
};

/** The query side: one item per order, written only by the projector. */
export class ReadModel {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<OrderView | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { orderId } }));
    return Item as OrderView | undefined;
  }

  /**
   * Writes a view unless the stored one is as new or newer, which makes projection idempotent and
   * immune to redelivered or out-of-order events. Returns whether it wrote.
   */
  async put(view: OrderView): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: view,
          ConditionExpression: 'attribute_not_exists(orderId) OR version < :v',
          ExpressionAttributeValues: { ':v': view.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Writes a view unconditionally: only for rebuilding the read model from the event store. */
  async replace(view: OrderView): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: view }));
  }

  /** A customer's orders, newest first. */
  async listByCustomer(customerId: string, limit: number, nextToken?: string): Promise<OrderPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCustomer',
        KeyConditionExpression: 'customerId = :c',
        ExpressionAttributeValues: { ':c': customerId },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: nextToken ? decodeToken(nextToken) : undefined,
      }),
    );
    return {
      items: (page.Items ?? []) as OrderView[],
      ...(page.LastEvaluatedKey ? { nextToken: encodeToken(page.LastEvaluatedKey) } : {}),
    };
  }
}
