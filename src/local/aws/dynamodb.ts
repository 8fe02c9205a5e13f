import { DynaliteEngine, type EngineResponse } from './dynalite-engine';
import type { ItemChange } from '../streams/stream-log';
import {
  TransactionCanceledError,
  TransactionRunner,
  type CallResult,
  type TransactWriteRequest,
} from './dynamodb-transactions';
import {
  AwsServiceError,
  jsonError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from './protocol';
import { WriteLock } from './write-lock';

export interface DynamoDbOptions {
  /** Folder for the data; in memory when absent. */
  readonly dataDir?: string;
}

type Item = Record<string, unknown>;
type ChangeListener = (change: ItemChange) => void;

interface WriteRequestBody {
  TableName?: string;
  Item?: Item;
  Key?: Item;
  ReturnValues?: string;
  RequestItems?: Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>;
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/** What each single-item write asks dynalite to return so the change can be captured. */
const CAPTURE_RETURN_VALUES: Record<string, string> = {
  PutItem: 'ALL_OLD',
  DeleteItem: 'ALL_OLD',
  UpdateItem: 'ALL_NEW',
};

const pick = (item: Item, names: readonly string[]): Item =>
  Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]]));

/**
 * DynamoDB, answered by dynalite in process behind the shared endpoint. Requests go through
 * unchanged, so dynalite's own validation and error shapes reach the client. Writes to tables
 * with a stream are captured here (dynalite has no Streams), after dynalite committed them and before
 * the client hears of it, so a stream record exists for every acknowledged write.
 */
export class DynamoDbService implements LocalAwsService {
  readonly name = 'dynamodb';
  readonly jsonTargetPrefix = 'DynamoDB_20120810';
  private readonly streamedTables = new Map<string, readonly string[]>();
  private readonly changeListeners: ChangeListener[] = [];
  private readonly lock = new WriteLock();
  private readonly transactions = new TransactionRunner();
  private readonly keySchemas = new Map<string, readonly string[]>();

  private constructor(private readonly engine: DynaliteEngine) {}

  static async start(options: DynamoDbOptions = {}): Promise<DynamoDbService> {
    return new DynamoDbService(new DynaliteEngine({ path: options.dataDir }));
  }

  /** Starts capturing changes of a table; `keyNames` are its key attributes (hash, then range). */
  captureChanges(tableName: string, keyNames: readonly string[]): void {
    this.streamedTables.set(tableName, keyNames);
  }

  onChange(listener: ChangeListener): void {
    this.changeListeners.push(listener);
  }

  /**
   * Consulted before each request with a way to name the tables it touches: true refuses it as
   * throttled (fault injection). The names are read from the body only when a fault asks for them.
   */
  throttle: (tablesOf: () => readonly string[]) => boolean = () => false;

  async handle(req: AwsRequest): Promise<AwsResponse> {
    if (this.throttle(() => tablesNamedIn(req.body))) {
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
        }),
      };
    }
    if (!WRITE_OPERATIONS.has(req.operation)) return this.forward(req.operation, req.body);
    // Writes go one at a time, so a transaction's writes and its undo never interleave with others.
    return this.lock.run(() => this.handleWrite(req));
  }

  private async handleWrite(req: AwsRequest): Promise<AwsResponse> {
    const body = JSON.parse(req.body.toString('utf8') || '{}') as WriteRequestBody;
    if (req.operation === 'TransactWriteItems') return this.transactWrite(req, body as TransactWriteRequest);
    if (req.operation === 'BatchWriteItem') return this.batchWrite(req, body);
    const { response, change } = await this.singleWrite(req.operation, body);
    if (change) this.publish(change);
    return response;
  }

  /** One PutItem/UpdateItem/DeleteItem, with the change it made when its table has a stream. */
  private async singleWrite(
    operation: string,
    body: WriteRequestBody,
  ): Promise<{ response: AwsResponse; change?: ItemChange }> {
    const keyNames = body.TableName ? this.streamedTables.get(body.TableName) : undefined;
    if (!keyNames) return { response: await this.forward(operation, Buffer.from(JSON.stringify(body))) };

    const wanted = body.ReturnValues ?? 'NONE';
    const capture = CAPTURE_RETURN_VALUES[operation] ?? 'NONE';
    const injected = wanted === 'NONE';
    const forwardedBody = injected ? { ...body, ReturnValues: capture } : body;
    const response = await this.forward(operation, Buffer.from(JSON.stringify(forwardedBody)));
    if (response.status !== 200) return { response };

    const result = JSON.parse(response.body.toString('utf8') || '{}') as { Attributes?: Item };
    const change = await this.changeOf(
      operation,
      body,
      keyNames,
      result.Attributes,
      injected || wanted === capture,
    );
    if (!injected) return { response, change };
    delete result.Attributes;
    return { response: this.rewritten(response, result), change };
  }

  private async transactWrite(req: AwsRequest, request: TransactWriteRequest): Promise<AwsResponse> {
    const changes: ItemChange[] = [];
    const call = async (response: AwsResponse) => ({
      status: response.status,
      body: JSON.parse(response.body.toString() || '{}') as CallResult['body'],
    });
    try {
      await this.transactions.run(request, {
        write: async (operation, body) => {
          const { response, change } = await this.singleWrite(operation, body as WriteRequestBody);
          if (change) changes.push(change);
          return call(response);
        },
        raw: async (operation, body) =>
          call(await this.forward(operation, Buffer.from(JSON.stringify(body)))),
        keyNames: (tableName) => this.keyNamesOf(tableName),
      });
    } catch (error) {
      if (error instanceof TransactionCanceledError) {
        return {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
            message: error.message,
            CancellationReasons: error.reasons,
          }),
        };
      }
      if (error instanceof AwsServiceError) return jsonError(error);
      throw error;
    }
    // Committed: only now do its changes reach the streams, so an undone write is never seen there.
    for (const change of changes) this.publish(change);
    return jsonResponse({});
  }

  private async keyNamesOf(tableName: string): Promise<readonly string[]> {
    const known = this.keySchemas.get(tableName);
    if (known) return known;
    const response = await this.forward(
      'DescribeTable',
      Buffer.from(JSON.stringify({ TableName: tableName })),
    );
    const table = (
      JSON.parse(response.body.toString() || '{}') as { Table?: { KeySchema?: { AttributeName: string }[] } }
    ).Table;
    const names = (table?.KeySchema ?? []).map((key) => key.AttributeName);
    this.keySchemas.set(tableName, names);
    return names;
  }

  private async changeOf(
    operation: string,
    body: WriteRequestBody,
    keyNames: readonly string[],
    returned: Item | undefined,
    returnedIsCapture: boolean,
  ): Promise<ItemChange | undefined> {
    const tableName = body.TableName as string;
    switch (operation) {
      case 'PutItem': {
        const item = body.Item ?? {};
        return {
          tableName,
          eventName: returned ? 'MODIFY' : 'INSERT',
          keys: pick(item, keyNames),
          newImage: item,
          oldImage: returned,
        };
      }
      case 'DeleteItem':
        return returned
          ? { tableName, eventName: 'REMOVE', keys: pick(body.Key ?? {}, keyNames), oldImage: returned }
          : undefined;
      default: {
        const newImage = returnedIsCapture ? returned : await this.getItem(tableName, body.Key ?? {});
        return { tableName, eventName: 'MODIFY', keys: pick(body.Key ?? {}, keyNames), newImage };
      }
    }
  }

  private async batchWrite(req: AwsRequest, body: WriteRequestBody): Promise<AwsResponse> {
    const response = await this.forward(req.operation, req.body);
    if (response.status !== 200) return response;
    const unprocessed = (
      JSON.parse(response.body.toString('utf8')) as { UnprocessedItems?: WriteRequestBody['RequestItems'] }
    ).UnprocessedItems;
    for (const [tableName, writes] of Object.entries(body.RequestItems ?? {})) {
      const keyNames = this.streamedTables.get(tableName);
      if (!keyNames || (unprocessed?.[tableName]?.length ?? 0) > 0) continue;
      for (const write of writes) {
        if (write.PutRequest) {
          const item = write.PutRequest.Item;
          this.publish({ tableName, eventName: 'INSERT', keys: pick(item, keyNames), newImage: item });
        } else if (write.DeleteRequest) {
          this.publish({ tableName, eventName: 'REMOVE', keys: pick(write.DeleteRequest.Key, keyNames) });
        }
      }
    }
    return response;
  }

  private publish(change: ItemChange): void {
    for (const listener of this.changeListeners) listener(change);
  }

  private async getItem(tableName: string, key: Item): Promise<Item | undefined> {
    const response = await this.forward(
      'GetItem',
      Buffer.from(JSON.stringify({ TableName: tableName, Key: key, ConsistentRead: true })),
    );
    return (JSON.parse(response.body.toString('utf8')) as { Item?: Item }).Item;
  }

  /** The response with a body the client asked for; its checksum header no longer applies. */
  private rewritten(response: EngineResponse, body: unknown): AwsResponse {
    const headers = Object.fromEntries(
      Object.entries(response.headers).filter(([name]) => name !== 'x-amz-crc32'),
    );
    return { status: response.status, headers, body: JSON.stringify(body) };
  }

  private forward(operation: string, body: Buffer): Promise<EngineResponse> {
    return this.engine.call(operation, body);
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}

/** Every table a request names: TableName, a batch's RequestItems, a transaction's items. */
export function tablesNamedIn(body: Buffer): readonly string[] {
  const parsed = JSON.parse(body.toString('utf8') || '{}') as {
    TableName?: string;
    RequestItems?: Record<string, unknown>;
    TransactItems?: readonly Record<string, { TableName?: string } | undefined>[];
  };
  const names = new Set<string>();
  if (parsed.TableName) names.add(parsed.TableName);
  for (const name of Object.keys(parsed.RequestItems ?? {})) names.add(name);
  for (const item of parsed.TransactItems ?? []) {
    for (const action of Object.values(item)) if (action?.TableName) names.add(action.TableName);
  }
  return [...names];
}
