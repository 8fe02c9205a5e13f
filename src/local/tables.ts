import {
  CreateTableCommand,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { resourcesOfType, type CfnTemplate } from './template';

type TableProperties = CreateTableCommandInput & {
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
};

/** A table definition as the template declares it, reduced to what the DynamoDB API takes. */
export const tableDefinitions = (template: CfnTemplate): TableProperties[] =>
  resourcesOfType(template, 'AWS::DynamoDB::Table').map(([logicalId, resource]) => {
    const properties = (resource.Properties ?? {}) as unknown as TableProperties;
    if (typeof properties.TableName !== 'string') {
      throw new TypeError(`Table ${logicalId} must have a literal TableName to run offline`);
    }
    return properties;
  });

/** Creates every table of the template that does not exist yet (data kept with --data survives). */
export async function createTables(client: DynamoDBClient, template: CfnTemplate): Promise<string[]> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const created: string[] = [];
  for (const table of tableDefinitions(template)) {
    const name = table.TableName as string;
    if (existing.has(name)) continue;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: table.AttributeDefinitions,
        KeySchema: table.KeySchema,
        GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
        LocalSecondaryIndexes: table.LocalSecondaryIndexes,
        BillingMode: table.BillingMode ?? 'PAY_PER_REQUEST',
        ProvisionedThroughput: table.ProvisionedThroughput,
        StreamSpecification: table.StreamSpecification
          ? { StreamEnabled: true, StreamViewType: table.StreamSpecification.StreamViewType }
          : undefined,
      }),
    );
    if (table.TimeToLiveSpecification?.Enabled) {
      await client
        .send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: table.TimeToLiveSpecification,
          }),
        )
        .catch(() => undefined); // dynalite has no TTL; expiry is enforced by the readers' own expiresAt checks
    }
    created.push(name);
  }
  return created;
}
