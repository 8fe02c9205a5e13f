import type { IncomingHttpHeaders } from 'node:http';

/** One request to the local AWS endpoint, already read and routed to a service. */
export interface AwsRequest {
  readonly operation: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The URL path (no query): restJson services find their resource there. */
  readonly path?: string;
  /** Aborted when the client goes away, so long polls stop taking messages for nobody. */
  readonly signal?: AbortSignal;
}

export interface AwsResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

/** A service behind the endpoint: JSON protocols are routed by target prefix, query protocols by action. */
export interface LocalAwsService {
  readonly name: string;
  readonly jsonTargetPrefix?: string;
  /** The operations it serves under its prefix, when it shares the prefix with another service. */
  readonly jsonOperations?: ReadonlySet<string>;
  readonly queryActions?: ReadonlySet<string>;
  /** restJson protocols (no target header): the operation a method and path name, if this service's. */
  restOperation?(method: string, path: string): string | undefined;
  handle(request: AwsRequest): Promise<AwsResponse>;
  close?(): Promise<void>;
}

/** An error with an AWS error code, rendered in whichever protocol shape the caller speaks. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const jsonResponse = (
  body: unknown,
  contentType = 'application/x-amz-json-1.0',
  status = 200,
): AwsResponse => ({
  status,
  headers: { 'content-type': contentType },
  body: JSON.stringify(body),
});

export const jsonError = (
  error: AwsServiceError,
  contentType = 'application/x-amz-json-1.0',
): AwsResponse => ({
  status: error.status,
  headers: { 'content-type': contentType, 'x-amzn-errortype': error.code },
  body: JSON.stringify({ __type: error.code, message: error.message }),
});

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

export const xmlError = (error: AwsServiceError, requestId: string): AwsResponse => ({
  status: error.status,
  headers: { 'content-type': 'text/xml' },
  body:
    `<ErrorResponse><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`,
});

/** The JSON object of a JSON-protocol request body (`{}` when empty); each service words its own errors. */
export function parseJsonObject(
  body: Buffer,
  errors: { notJson: () => Error; notObject: () => Error },
): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw errors.notJson();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.notObject();
  return parsed as Record<string, unknown>;
}
