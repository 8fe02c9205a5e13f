import { bearer } from '../src/local/auth/dev-token';

// The bench calls the HTTP API as an operator: it stocks SKUs as well as placing orders.
const AUTHORIZATION = bearer({ role: 'admin', subject: 'bench-operator' });

/** `fetch` with the bench's bearer token, for calls to the HTTP API. */
export const apiFetch = (url: string, init: RequestInit = {}): Promise<Response> =>
  fetch(url, {
    ...init,
    headers: { authorization: AUTHORIZATION, ...(init.headers as Record<string, string> | undefined) },
  });
