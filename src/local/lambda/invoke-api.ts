import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardLoopback } from '../loopback-guard';
import { UnknownFunctionError, type WarmFunctions } from './warm-functions';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

const awsError = (res: ServerResponse, status: number, type: string, message: string) =>
  send(res, status, { 'x-amzn-errortype': type }, JSON.stringify({ Type: 'User', message }));

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`) over the warm functions, so
 * `aws lambda invoke` and SDK clients can call any function as an event source would.
 */
export class LambdaInvokeApi {
  private server: Server | undefined;

  constructor(private readonly functions: WarmFunctions) {}

  async listen(port: number, host: string): Promise<number> {
    // Any web page can reach loopback: no browser origin may invoke functions with forged events.
    const server = createServer(guardLoopback((req, res) => void this.serve(req, res)));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://local').pathname)?.[1];
    if (req.method !== 'POST' || !name) {
      awsError(res, 404, 'UnknownOperationException', `No Lambda operation at ${req.method} ${req.url}`);
      return;
    }
    const text = (await readBody(req)).toString('utf8');
    let event: unknown;
    try {
      event = text ? JSON.parse(text) : {};
    } catch {
      awsError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      return;
    }
    const functionName = decodeURIComponent(name);
    if (!this.functions.has(functionName)) {
      awsError(res, 404, 'ResourceNotFoundException', `Function not found: ${functionName}`);
      return;
    }
    if (req.headers['x-amz-invocation-type'] === 'Event') {
      // Asynchronous: accepted now, run afterwards.
      this.functions.invoke(functionName, event).catch(() => undefined);
      send(res, 202, {}, '');
      return;
    }
    try {
      const result = await this.functions.invoke(functionName, event);
      const headers: Record<string, string> = { 'x-amz-executed-version': '$LATEST' };
      if (result.functionError) headers['x-amz-function-error'] = result.functionError;
      send(res, 200, headers, JSON.stringify(result.payload ?? null));
    } catch (error) {
      if (error instanceof UnknownFunctionError)
        awsError(res, 404, 'ResourceNotFoundException', error.message);
      else awsError(res, 500, 'ServiceException', error instanceof Error ? error.message : String(error));
    }
  }
}
