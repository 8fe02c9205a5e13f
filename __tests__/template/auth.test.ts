import { resourcesOfType, type CfnResource } from '../../src/local/template';
import { ciTemplate } from '../support/stack';

const ADMIN_ROUTES = [
  'PUT /inventory/{sku}',
  'GET /inventory/{sku}',
  'GET /reviews',
  'POST /orders/{orderId}/review',
  'GET /orders/{orderId}/saga',
  'GET /analytics/metrics',
  'GET /analytics/alerts',
];
const PUBLIC_ROUTES = ['GET /health'];

const routes = async () =>
  new Map(
    resourcesOfType(await ciTemplate(), 'AWS::ApiGatewayV2::Route').map(([, route]) => [
      String(route.Properties?.RouteKey),
      route.Properties ?? {},
    ]),
  );

const only = async (type: string): Promise<[string, CfnResource]> => {
  const found = resourcesOfType(await ciTemplate(), type);
  expect(found).toHaveLength(1);
  return found[0] as [string, CfnResource];
};

describe('compiled template: authorization', () => {
  it('APIG4: every route but the health check has the JWT authorizer', async () => {
    const [authorizerId] = await only('AWS::ApiGatewayV2::Authorizer');
    const all = await routes();
    expect(all.size).toBeGreaterThan(PUBLIC_ROUTES.length);
    for (const [key, route] of all) {
      const expected = PUBLIC_ROUTES.includes(key)
        ? { key, type: undefined, authorizer: undefined }
        : { key, type: 'JWT', authorizer: { Ref: authorizerId } };
      expect({ key, type: route.AuthorizationType, authorizer: route.AuthorizerId }).toEqual(expected);
    }
  });

  it('asks for the admin scope on inventory and review routes, the orders scope elsewhere', async () => {
    for (const [key, route] of await routes()) {
      if (PUBLIC_ROUTES.includes(key)) continue;
      const scopes = ADMIN_ROUTES.includes(key) ? ['orderflow/admin'] : ['orderflow/orders'];
      expect({ key, scopes: route.AuthorizationScopes }).toEqual({ key, scopes });
    }
  });

  it('trusts only tokens of its own user pool, for its own app clients', async () => {
    const [, authorizer] = await only('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: 'CustomerAppClient' }, { Ref: 'AdminAppClient' }],
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: 'UserPool' }],
          ],
        },
      },
    });
  });

  it('gives the admin scope only to the operators’ machine client, and customers no client secret', async () => {
    const clients = new Map(resourcesOfType(await ciTemplate(), 'AWS::Cognito::UserPoolClient'));
    expect(clients.get('CustomerAppClient')?.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'orderflow/orders'],
      GenerateSecret: false,
    });
    expect(clients.get('AdminAppClient')?.Properties).toMatchObject({
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['orderflow/orders', 'orderflow/admin'],
      GenerateSecret: true,
    });
  });

  it('keeps the user pool safe: strong passwords, MFA available, deletion protection', async () => {
    const [, pool] = await only('AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      DeletionProtection: 'ACTIVE',
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: true } },
    });
  });
});
