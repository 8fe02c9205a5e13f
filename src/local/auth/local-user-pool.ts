/**
 * The offline stand-in for the Cognito user pool of resources/auth.yml. Offline, `Ref UserPool` and
 * `Ref <AppClient>` resolve to these stable ids, so the HTTP API's JWT authorizer expects exactly the
 * issuer and audiences that `npm run token` puts in its tokens.
 */
export const localUserPoolId = (region: string, logicalId: string): string => `${region}_${logicalId}`;

export const localAppClientId = (logicalId: string): string => `local-${logicalId.toLowerCase()}`;

/** The issuer Cognito writes into a pool's tokens (`iss`), which the authorizer's issuerUrl names. */
export const cognitoIssuer = (region: string, userPoolId: string): string =>
  `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;

/** The logical ids in resources/auth.yml. */
export const AUTH_RESOURCES = {
  userPool: 'UserPool',
  customerClient: 'CustomerAppClient',
  adminClient: 'AdminAppClient',
} as const;
