import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { identifyCaller, type Caller, type VerifiedClaims } from '../../domain/shared/access';
import { DomainError } from '../../domain/shared/errors';
import {
  MalformedJsonError,
  PayloadTooLargeError,
  STATUS_BY_CODE,
  UnsupportedMediaTypeError,
  HttpRequestError,
  type ErrorBody,
} from './errors';
import { correlate, logger, observability } from '../shared/observability';

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/** Largest request body accepted, in bytes (64 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiRequest {
  /** The parsed JSON body (only for routes that take one). */
  readonly body: unknown;
  readonly path: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly requestId: string;
  /** Who the authorizer let in; undefined only on an anonymous route (`GET /health`). */
  readonly caller?: Caller;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Route = (request: ApiRequest) => Promise<ApiResponse>;

const JSON_CONTENT_TYPE = /^application\/json\s*(;.*)?$/i;

const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const errorBody = (
  code: string,
  message: string,
  details: ErrorBody['error']['details'] = [],
): ErrorBody => ({
  error: { code, message, details },
});

const lowerCaseHeaders = (headers: APIGatewayProxyEventV2['headers']) =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));

function parseBody(event: APIGatewayProxyEventV2, headers: Record<string, string | undefined>): unknown {
  const raw =
    event.body == null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (!JSON_CONTENT_TYPE.test(headers['content-type'] ?? '')) {
    throw new UnsupportedMediaTypeError('The request body must be sent as application/json');
  }
  try {
    return JSON.parse(raw.toString()) as unknown;
  } catch {
    throw new MalformedJsonError('The request body is not valid JSON');
  }
}

interface JwtAuthorizerContext {
  readonly jwt?: { readonly claims?: Record<string, unknown>; readonly scopes?: readonly string[] | null };
}

/**
 * What the HTTP API's JWT authorizer vouched for: the access token's claims and scopes, or undefined
 * when the event carries no authorizer context at all. Whether that identifies anyone is the
 * domain's rule (identifyCaller), not guessed here.
 */
function verifiedClaims(event: APIGatewayProxyEventV2): VerifiedClaims | undefined {
  const jwt = (event.requestContext as { authorizer?: JwtAuthorizerContext } | undefined)?.authorizer?.jwt;
  if (!jwt?.claims) return undefined;
  const scope = jwt.claims.scope;
  const scopes = new Set([...(jwt.scopes ?? []), ...(typeof scope === 'string' ? scope.split(' ') : [])]);
  return { subject: jwt.claims.sub, scopes: [...scopes].filter((s) => s !== '') };
}

/** Renders any failure as the API's error shape: a known error keeps its status, the rest is a bare 500. */
export function renderError(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpRequestError) return json(error.status, errorBody(error.code, error.message));
  const status = error instanceof DomainError ? STATUS_BY_CODE[error.code] : null;
  if (error instanceof DomainError && status !== null) {
    return json(status, errorBody(error.code, error.message, error.details));
  }
  // Throttling that outlasted the SDK's own retries: the client may retry (with its Idempotency-Key).
  if (error instanceof Error && THROTTLING_ERRORS.has(error.name)) {
    return json(503, errorBody('SERVICE_UNAVAILABLE', 'The service is busy; retry shortly'), {
      'retry-after': '1',
    });
  }
  // Never leak internals: the log has the stack, the client a request id to quote.
  logger.error('unhandled error', { requestId, error: error instanceof Error ? error : String(error) });
  return json(500, errorBody('INTERNAL_ERROR', `Something went wrong; quote request id ${requestId}`));
}

const orderIdInBody = (body: unknown): string | undefined => {
  const orderId = (body as { orderId?: unknown } | null)?.orderId;
  return typeof orderId === 'string' ? orderId : undefined;
};

/** One line per request, after the answer (which may name the order, e.g. a new one). */
function logRequest(event: APIGatewayProxyEventV2, result: APIGatewayProxyStructuredResultV2): void {
  const status = result.statusCode ?? 200;
  const code = status >= 400 ? (JSON.parse(result.body ?? '{}') as ErrorBody).error?.code : undefined;
  const attributes = { route: event.routeKey, path: event.rawPath, status, code };
  if (status >= 500) logger.warn('request handled', attributes);
  else logger.info('request handled', attributes);
}

export interface JsonApiOptions {
  /** Whether the route parses a JSON body. */
  readonly withBody: boolean;
  /**
   * A route that runs without an authorizer (functions/*.yml gives it none). Every other route
   * refuses a request that carries no verified identity, whatever invoked it.
   */
  readonly anonymous?: true;
}

/**
 * A JSON HTTP route as a middy handler: body limits and parsing, the error shape, the response
 * serialisation and the request's log line live here once, so each route is a small function from
 * ApiRequest to ApiResponse.
 */
export const jsonApi = (route: Route, options: JsonApiOptions) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(observability())
    .handler(async (event, context) => {
      const requestId = context.awsRequestId;
      let result: APIGatewayProxyStructuredResultV2;
      try {
        const headers = lowerCaseHeaders(event.headers);
        const response = await route({
          body: options.withBody ? parseBody(event, headers) : undefined,
          path: event.pathParameters ?? {},
          query: event.queryStringParameters ?? {},
          headers,
          requestId,
          caller: options.anonymous ? undefined : identifyCaller(verifiedClaims(event)),
        });
        correlate(orderIdInBody(response.body));
        result = json(response.status, response.body, { ...response.headers });
      } catch (error) {
        result = renderError(error, requestId);
      }
      logRequest(event, result);
      return result;
    });
