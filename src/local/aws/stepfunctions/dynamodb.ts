import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TaskFailure, errorMessageOf } from './errors';
import { sdkMetadata, type ServiceIntegration } from './integrations';

type Send = (client: DynamoDBClient, parameters: never) => Promise<object>;

const OPERATIONS: Record<string, Send> = {
  'dynamodb:getItem': (client, parameters) => client.send(new GetItemCommand(parameters)),
  'dynamodb:putItem': (client, parameters) => client.send(new PutItemCommand(parameters)),
  'dynamodb:updateItem': (client, parameters) => client.send(new UpdateItemCommand(parameters)),
  'dynamodb:deleteItem': (client, parameters) => client.send(new DeleteItemCommand(parameters)),
};

/**
 * The optimized DynamoDB integrations (`arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`)
 * through a DynamoDB client (the local endpoint's): Parameters are the API request, the response comes back
 * without the SDK's `$metadata`, and an API error fails the task as `DynamoDB.<ExceptionName>` (e.g.
 * `DynamoDB.ConditionalCheckFailedException`), as Step Functions names them.
 */
export function dynamoDbIntegrations(client: DynamoDBClient): Record<string, ServiceIntegration> {
  return Object.fromEntries(
    Object.entries(OPERATIONS).map(([key, send]): [string, ServiceIntegration] => [
      key,
      async (parameters) => {
        try {
          const response: Record<string, unknown> = { ...(await send(client, parameters as never)) };
          delete response.$metadata;
          return { ...response, ...sdkMetadata() };
        } catch (error) {
          const name = error instanceof Error && error.name ? error.name : 'AmazonDynamoDBException';
          throw new TaskFailure(`DynamoDB.${name}`, errorMessageOf(error));
        }
      },
    ]),
  );
}
