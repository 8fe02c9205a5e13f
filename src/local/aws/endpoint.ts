import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardLoopback } from '../loopback-guard';
import { RequestCounterControlService } from '../metrics/request-counter-control';
import { RequestCounter } from '../metrics/request-counter';
import { AwsServiceError, jsonError, xmlError, type AwsResponse, type LocalAwsService } from './protocol';

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

interface RoutedRequest {
  readonly service: LocalAwsService | undefined;
  readonly operation: string;
  readonly protocol: 'json' | 'query' | 'rest';
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new AwsServiceError('RequestEntityTooLarge', 'Request body is too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * One AWS-compatible HTTP endpoint for every service the project uses, routed the way the real
 * protocols route: `X-Amz-Target: <Prefix>.<Operation>` for JSON protocols, `Action=<Operation>`
 * in a form body for query protocols, method and path for restJson (SageMaker Runtime).
 */
export class AwsEndpoint {
  private readonly services: LocalAwsService[] = [];
  private server: Server | undefined;
  /** What the endpoint served, readable through the control API (OrderflowLocal.GetRequestCounts). */
  readonly requests = new RequestCounter();

  constructor() {
    this.register(new RequestCounterControlService(this.requests));
  }

  register(service: LocalAwsService): this {
    this.services.push(service);
    return this;
  }

  /** `allowedOrigins`: browser origins besides the endpoint's own (the ops console's). */
  async listen(port: number, host = '127.0.0.1', allowedOrigins: readonly string[] = []): Promise<number> {
    // Web pages can reach loopback too: only clients of this endpoint's own address get through.
    const server = createServer(
      guardLoopback((req, res) => void this.dispatch(req, res), {
        allowedOrigins,
        refuse: (res, reason) => {
          const refusal = jsonError(new AwsServiceError('AccessDeniedException', reason, 403));
          res.writeHead(refusal.status, refusal.headers);
          res.end(refusal.body);
        },
      }),
    );
    server.keepAliveTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    for (const service of this.services) await service.close?.();
  }

  private route(
    target: string | undefined,
    body: Buffer,
    contentType: string,
    method: string,
    path: string,
  ): RoutedRequest {
    if (target) {
      const dot = target.lastIndexOf('.');
      const prefix = dot >= 0 ? target.slice(0, dot) : target;
      const operation = dot >= 0 ? target.slice(dot + 1) : '';
      // A service that names its operations takes them before one that takes its whole prefix.
      const withPrefix = this.services.filter((s) => s.jsonTargetPrefix === prefix);
      return {
        service:
          withPrefix.find((s) => s.jsonOperations?.has(operation)) ??
          withPrefix.find((s) => !s.jsonOperations),
        operation,
        protocol: 'json',
      };
    }
    // restJson (SageMaker Runtime): no target, the operation is in the method and path.
    for (const service of this.services) {
      const operation = service.restOperation?.(method, path);
      if (operation) return { service, operation, protocol: 'rest' };
    }
    if (contentType.includes('application/x-www-form-urlencoded')) {
      const operation = new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
      return {
        service: this.services.find((s) => s.queryActions?.has(operation)),
        operation,
        protocol: 'query',
      };
    }
    return { service: undefined, operation: '', protocol: 'json' };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const disconnected = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) disconnected.abort();
    });
    let protocol: RoutedRequest['protocol'] = 'json';
    let response: AwsResponse;
    let counted: { service: string; operation: string; body: Buffer } | undefined;
    try {
      const body = await readBody(req);
      const target = req.headers['x-amz-target'];
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      const routed = this.route(
        Array.isArray(target) ? target[0] : target,
        body,
        req.headers['content-type'] ?? '',
        req.method ?? 'GET',
        path,
      );
      protocol = routed.protocol;
      if (!routed.service) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `The local endpoint does not implement ${routed.operation || 'this request'} (target ${String(target ?? 'none')})`,
        );
      }
      // The control API's own requests are not part of what the system does.
      if (!routed.service.name.startsWith('orderflow-local')) {
        counted = { service: routed.service.name, operation: routed.operation, body };
      }
      response = await routed.service.handle({
        operation: routed.operation,
        headers: req.headers,
        body,
        path,
        signal: disconnected.signal,
      });
    } catch (error) {
      const awsError =
        error instanceof AwsServiceError
          ? error
          : new AwsServiceError(
              'InternalFailure',
              error instanceof Error ? error.message : String(error),
              500,
            );
      response =
        protocol === 'query'
          ? xmlError(awsError, requestId)
          : jsonError(awsError, protocol === 'rest' ? 'application/json' : undefined);
    }
    // Refused requests are counted too: AWS bills a write whose condition failed.
    if (counted) this.requests.countRequest(counted.service, counted.operation, counted.body, response.body);
    if (res.headersSent || res.destroyed) return;
    res.writeHead(response.status, { ...response.headers, 'x-amzn-requestid': requestId });
    res.end(response.body);
  }
}
