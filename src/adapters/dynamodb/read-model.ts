import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OrderView } from '../../domain/orders';
import { OrderPageKey } from './page-token';
import { decodeItem, decodeItems, type ItemSource } from './stored-items';

export interface OrderPage {
  readonly items: OrderView[];
  /** Where the next page starts; absent on the last page. */
  readonly lastKey?: OrderPageKey;
}

/** The query side: one item per order, written only by the projector. */
export class ReadModel {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<OrderView | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { orderId } }));
    return Item === undefined ? undefined : decodeItem(OrderView, Item, this.source(['orderId']));
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

  /** A customer's orders, newest first, from `startKey` (a previous page's `lastKey`) on. */
  async listByCustomer(customerId: string, limit: number, startKey?: OrderPageKey): Promise<OrderPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCustomer',
        KeyConditionExpression: 'customerId = :c',
        ExpressionAttributeValues: { ':c': customerId },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey ? { ...startKey } : undefined,
      }),
    );
    const source = this.source(['orderId', 'customerId', 'placedAt']);
    return {
      items: decodeItems(OrderView, page.Items, source),
      ...(page.LastEvaluatedKey ? { lastKey: decodeItem(OrderPageKey, page.LastEvaluatedKey, source) } : {}),
    };
  }

  private source(keyNames: readonly string[]): ItemSource {
    return { table: this.tableName, keyNames };
  }
}
