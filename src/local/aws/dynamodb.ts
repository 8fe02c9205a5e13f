import { request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { AwsRequest, AwsResponse, LocalAwsService } from './protocol';

export interface DynamoDbOptions {
  /** Folder for the data; in memory when absent. */
  readonly dataDir?: string;
}

/** Observes every DynamoDB request that dynalite answered successfully (streams hang off this). */
export type DynamoDbWriteListener = (
  operation: string,
  requestBody: unknown,
  responseBody: unknown,
) => Promise<void>;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/**
 * DynamoDB, answered by dynalite on a private loopback port behind the shared endpoint. The request
 * goes through byte for byte, so dynalite's own validation and error shapes reach the client.
 */
export class DynamoDbService implements LocalAwsService {
  readonly name = 'dynamodb';
  readonly jsonTargetPrefix = 'DynamoDB_20120810';
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly listeners: DynamoDbWriteListener[] = [];

  private constructor(
    private readonly server: Server,
    private readonly port: number,
  ) {}

  static async start(options: DynamoDbOptions = {}): Promise<DynamoDbService> {
    const server = dynalite(
      options.dataDir
        ? { path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }
        : { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new DynamoDbService(server, (server.address() as AddressInfo).port);
  }

  onSuccessfulRequest(listener: DynamoDbWriteListener): void {
    this.listeners.push(listener);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const response = await this.forward(req);
    if (response.status === 200 && this.listeners.length > 0) {
      const requestBody: unknown = JSON.parse(req.body.toString('utf8') || '{}');
      const responseBody: unknown = JSON.parse(response.body.toString('utf8') || '{}');
      for (const listener of this.listeners) await listener(req.operation, requestBody, responseBody);
    }
    return response;
  }

  private forward(req: AwsRequest): Promise<AwsResponse & { body: Buffer }> {
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
          headers: { ...headers, 'content-length': String(req.body.length) },
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
      upstream.end(req.body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
