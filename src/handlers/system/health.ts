import { jsonApi } from '../http/json-api';

// GET /health has no authorizer (functions/system.yml): the one route anyone may call.
export const handler = jsonApi(async () => ({ status: 200, body: { status: 'ok' } }), {
  withBody: false,
  anonymous: true,
});
