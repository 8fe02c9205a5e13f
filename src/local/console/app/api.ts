/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

const TOKEN_KEY = 'orderflow-console-token';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(ApiError.describe(status, body));
  }

  private static describe(status: number, body: unknown): string {
    const b = body as { message?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
    const detail = b?.error
      ? `${String(b.error.code)}: ${String(b.error.message)}`
      : String(b?.message ?? '');
    return `HTTP ${status}${detail ? ` ${detail}` : ''}`;
  }
}

/** The operator's bearer token, kept in this browser only (the page itself carries none). */
export const session = {
  token: (): string | null => localStorage.getItem(TOKEN_KEY),
  signIn: (token: string): void => localStorage.setItem(TOKEN_KEY, token.replace(/^Bearer\s+/i, '').trim()),
  signOut: (): void => localStorage.removeItem(TOKEN_KEY),
};

/** The claims of a JWT, for telling the person what their token lets them do (the API decides). */
export function claimsOf(token: string): { sub?: string; scope?: string; exp?: number } | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as {
      sub?: string;
      scope?: string;
      exp?: number;
    };
  } catch {
    return undefined;
  }
}

/** One call to the HTTP API (this page's own origin), with the operator's token. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = session.token();
  const response = await fetch(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // kept as text for the error message
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed as T;
}

export const orderPath = (orderId: string, rest = ''): string =>
  `/orders/${encodeURIComponent(orderId)}${rest}`;
