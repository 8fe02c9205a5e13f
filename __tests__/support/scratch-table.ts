import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from './stack';

/** The key of a scratch table: string attributes, as every table of the template keys by. */
export interface ScratchKey {
  readonly hash: string;
  readonly range?: string;
}

/** A table of one test file's own on the shared stack's DynamoDB, so tests never see each other's items. */
export async function createScratchTable(name: string, key: ScratchKey): Promise<void> {
  const names = key.range === undefined ? [key.hash] : [key.hash, key.range];
  const client = dynamoDb();
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: names.map((AttributeName, i) => ({ AttributeName, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      }),
    );
  } finally {
    client.destroy();
  }
}

export async function deleteScratchTable(name: string): Promise<void> {
  const client = dynamoDb();
  try {
    await client.send(new DeleteTableCommand({ TableName: name }));
  } finally {
    client.destroy();
  }
}
