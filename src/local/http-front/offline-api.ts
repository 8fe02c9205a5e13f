import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueDevToken } from '../auth/dev-token';
import { poolJwks } from '../auth/pool-keys';
import { ServerlessOffline, type OfflineOptions } from '../offline';
import type { CfnTemplate } from '../template';
import { LocalJwtAuthorizer } from './authorizer';
import { LoopbackProxy, type Admission } from './proxy';
import { apiRoutesFromTemplate } from './routes';

export interface OfflineApiOptions extends Omit<OfflineOptions, 'httpSocket' | 'lambdaSocket'> {
  readonly host: string;
  /** The public ports: the HTTP API and the Lambda Invoke API. */
  readonly httpPort: number;
  readonly lambdaPort: number;
  /** The compiled template: the API's routes, their authorizer and scopes. */
  readonly template: CfnTemplate;
  /** ORDERFLOW_NO_AUTH: requests without a token run as the local operator. */
  readonly noAuth?: boolean;
  /** Browser origins (a local console) allowed to call the HTTP API, besides its own. */
  readonly consoleOrigins?: readonly string[];
}

/** The identity requests without a token run as when authorization is switched off. */
export const NO_AUTH_OPERATOR = 'local-operator';

/** The local operator's token, minted by the local pool and renewed before it expires. */
function operatorTokens(region: string): () => string {
  let token = '';
  let renewAt = 0;
  return () => {
    if (Date.now() >= renewAt) {
      token = issueDevToken({ role: 'admin', subject: NO_AUTH_OPERATOR, region, expiresInSeconds: 3600 });
      renewAt = Date.now() + 3_000_000;
    }
    return token;
  };
}

/**
 * The HTTP API and the Lambda Invoke API as the offline stack serves them: serverless-offline on
 * private Unix sockets, behind guarded fronts on the public loopback ports. The HTTP front does what
 * API Gateway does before and after a function (serverless-offline does neither): it verifies JWTs
 * against the local pool's JWKS and the route's scopes, drops the `sls-offline-authorizer-override`
 * header, and answers a function's timeout with 504 and its failure with 500.
 */
export class OfflineApi {
  private constructor(
    private readonly offline: ServerlessOffline,
    private readonly fronts: readonly LoopbackProxy[],
    private readonly socketDir: string,
  ) {}

  static async start(options: OfflineApiOptions): Promise<OfflineApi> {
    // mkdtemp makes the folder readable by its owner only; the sockets in it are reachable by nobody else.
    const socketDir = mkdtempSync(join(tmpdir(), 'orderflow-offline-'));
    const httpSocket = join(socketDir, 'http.sock');
    const lambdaSocket = join(socketDir, 'lambda.sock');
    const fronts: LoopbackProxy[] = [];
    try {
      const authorizer = new LocalJwtAuthorizer({
        routes: apiRoutesFromTemplate(options.template, {
          region: options.region,
          endpoint: options.awsEndpoint,
        }),
        jwks: poolJwks(),
        operatorToken: options.noAuth ? operatorTokens(options.region) : undefined,
      });
      const admit = (req: IncomingMessage): Admission => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const decision = authorizer.decide(req.method ?? 'GET', path, req.headers.authorization);
        if (!decision.pass) {
          options.log?.(`[http-front] ${req.method} ${path}: ${decision.status} (${decision.reason})`);
          return { refuse: { status: decision.status, body: decision.body } };
        }
        return decision.authorization ? { setHeaders: { authorization: decision.authorization } } : {};
      };
      fronts.push(
        await LoopbackProxy.start({
          port: options.httpPort,
          host: options.host,
          upstreamSocket: httpSocket,
          allowedOrigins: options.consoleOrigins,
          admit,
          translateFunctionErrors: true,
          // serverless-offline hands this header's JSON to the function as its authorizer context.
          dropRequestHeaders: ['sls-offline-authorizer-override'],
        }),
        await LoopbackProxy.start({
          port: options.lambdaPort,
          host: options.host,
          upstreamSocket: lambdaSocket,
        }),
      );
      const offline = await ServerlessOffline.start({ ...options, httpSocket, lambdaSocket });
      return new OfflineApi(offline, fronts, socketDir);
    } catch (error) {
      await Promise.all(fronts.map((front) => front.close()));
      rmSync(socketDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The public ports, as bound (a port of 0 picks one). */
  get ports(): { readonly http: number; readonly lambda: number } {
    return { http: this.fronts[0]?.port ?? 0, lambda: this.fronts[1]?.port ?? 0 };
  }

  async stop(): Promise<void> {
    await this.offline.stop();
    await Promise.all(this.fronts.map((front) => front.close()));
    rmSync(this.socketDir, { recursive: true, force: true });
  }
}
