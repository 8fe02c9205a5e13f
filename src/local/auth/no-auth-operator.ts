import { issueDevToken } from './dev-token';

/** The identity requests without a token run as when authorization is switched off. */
export const NO_AUTH_OPERATOR = 'local-operator';

/**
 * The local operator's token (ORDERFLOW_NO_AUTH=true), minted by the local pool and renewed before it
 * expires: a request without a token runs as this operator, verified like any other.
 */
export function noAuthOperatorTokens(region: string): () => string {
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
