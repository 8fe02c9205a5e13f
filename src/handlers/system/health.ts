import { jsonApi } from '../http/json-api';

export const handler = jsonApi(async () => ({ status: 200, body: { status: 'ok' } }), { withBody: false });
