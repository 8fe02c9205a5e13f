import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '../tracing';

let shared: DynamoDBDocumentClient | undefined;

/**
 * One client per container, reused across invocations, its calls traced. Region, credentials and endpoint come from
 * the environment (AWS_REGION, the role, and AWS_ENDPOINT_URL where one is set), never from code.
 */
export const documentClient = (): DynamoDBDocumentClient =>
  (shared ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }));
