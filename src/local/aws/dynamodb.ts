import { request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { ItemChange } from '../streams/stream-log';
import type { AwsRequest, AwsResponse, LocalAwsService } from './protocol';

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

interface UpstreamResponse extends AwsResponse {
  readonly body: Buffer;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);
const STREAMED_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
/** What each single-item write asks dynalite to return so the change can be captured. */
const CAPTURE_RETURN_VALUES: Record<string, string> = {
  PutItem: 'ALL_OLD',
  DeleteItem: 'ALL_OLD',
  UpdateItem: 'ALL_NEW',
};

const pick = (item: Item, names: readonly string[]): Item =>
  Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]]));

/**
 * DynamoDB, answered by dynalite on a private loopback port behind the shared endpoint. Requests go
 * through unchanged, so dynalite's own validation and error shapes reach the client. Writes to tables
 * with a stream are captured here (dynalite has no Streams), after dynalite committed them and before
 * the client hears of it, so a stream record exists for every acknowledged write.
 */
export class DynamoDbService implements LocalAwsService {
  readonly name = 'dynamodb';
  readonly jsonTargetPrefix = 'DynamoDB_20120810';
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly streamedTables = new Map<string, readonly string[]>();
  private readonly changeListeners: ChangeListener[] = [];

  private constructor(
    private readonly server: Server,
    private readonly port: number,
  ) {}

  static async start(options: DynamoDbOptions = {}): Promise<DynamoDbService> {
    const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new DynamoDbService(server, (server.address() as AddressInfo).port);
  }

  /** Starts capturing changes of a table; `keyNames` are its key attributes (hash, then range). */
  captureChanges(tableName: string, keyNames: readonly string[]): void {
    this.streamedTables.set(tableName, keyNames);
  }

  onChange(listener: ChangeListener): void {
    this.changeListeners.push(listener);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    if (this.streamedTables.size === 0 || !STREAMED_OPERATIONS.has(req.operation))
      return this.forward(req.body, req);
    const body = JSON.parse(req.body.toString('utf8') || '{}') as WriteRequestBody;
    if (req.operation === 'BatchWriteItem') return this.batchWrite(req, body);
    const keyNames = body.TableName ? this.streamedTables.get(body.TableName) : undefined;
    if (!keyNames) return this.forward(req.body, req);

    const wanted = body.ReturnValues ?? 'NONE';
    const capture = CAPTURE_RETURN_VALUES[req.operation] ?? 'NONE';
    const injected = wanted === 'NONE';
    const forwardedBody = injected ? { ...body, ReturnValues: capture } : body;
    const response = await this.forward(Buffer.from(JSON.stringify(forwardedBody)), req);
    if (response.status !== 200) return response;

    const result = JSON.parse(response.body.toString('utf8') || '{}') as { Attributes?: Item };
    const change = await this.changeOf(
      req.operation,
      body,
      keyNames,
      result.Attributes,
      injected || wanted === capture,
    );
    if (change) this.publish(change);
    if (!injected) return response;
    delete result.Attributes;
    return this.rewritten(response, result);
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
    const response = await this.forward(req.body, req);
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
      Buffer.from(JSON.stringify({ TableName: tableName, Key: key, ConsistentRead: true })),
      {
        operation: 'GetItem',
        headers: {
          'x-amz-target': 'DynamoDB_20120810.GetItem',
          'content-type': 'application/x-amz-json-1.0',
        },
      },
    );
    return (JSON.parse(response.body.toString('utf8')) as { Item?: Item }).Item;
  }

  /** The response with a body the client asked for; its checksum header no longer applies. */
  private rewritten(response: UpstreamResponse, body: unknown): AwsResponse {
    const headers = Object.fromEntries(
      Object.entries(response.headers).filter(([name]) => name !== 'x-amz-crc32'),
    );
    return { status: response.status, headers, body: JSON.stringify(body) };
  }

  private forward(body: Buffer, req: Pick<AwsRequest, 'headers' | 'operation'>): Promise<UpstreamResponse> {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
    );
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const responseHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name)) responseHeaders[name] = String(value);
            }
            resolve({ status: res.statusCode ?? 500, headers: responseHeaders, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
