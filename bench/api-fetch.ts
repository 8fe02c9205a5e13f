import { bearer } from '../src/local/auth/dev-token';

// The bench calls the HTTP API as an operator: it stocks SKUs as well as placing orders.
const AUTHORIZATION = bearer({ role: 'admin', subject: 'bench-operator' });

/**
 * Calls made through {@link apiFetch}, by method and route (`GET /orders/{}`): each is one HTTP
 * invocation of a function, and the bench subtracts its own polling from the per-order counts.
 */
export const apiCalls = new Map<string, number>();

const routeOf = (method: string, url: string): string => {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return `${method} /${segments.map((segment, i) => (i === 0 ? segment : '{}')).join('/')}`;
};

/** `fetch` with the bench's bearer token, for calls to the HTTP API. */
export const apiFetch = (url: string, init: RequestInit = {}): Promise<Response> => {
  const route = routeOf(init.method ?? 'GET', url);
  apiCalls.set(route, (apiCalls.get(route) ?? 0) + 1);
  return fetch(url, {
    ...init,
    headers: { authorization: AUTHORIZATION, ...(init.headers as Record<string, string> | undefined) },
  });
};
