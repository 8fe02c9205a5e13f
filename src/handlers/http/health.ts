import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';

const health = async (): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status: 'ok' }),
});

export const handler = middy(health);
