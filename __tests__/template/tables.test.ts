import { resourcesOfType } from '../../src/local/template';
import { ciTemplate } from '../support/stack';

describe('compiled template: DynamoDB tables', () => {
  it('declares the tables of every context', async () => {
    const names = resourcesOfType(await ciTemplate(), 'AWS::DynamoDB::Table').map(([id]) => id);
    expect(names.sort()).toEqual([
      'AnalyticsTable',
      'EventStoreTable',
      'IdempotencyTable',
      'InventoryTable',
      'NotificationsTable',
      'ReadModelTable',
      'ReviewsTable',
    ]);
  });

  it('encrypts every table at rest (DDB3-style)', async () => {
    for (const [id, table] of resourcesOfType(await ciTemplate(), 'AWS::DynamoDB::Table')) {
      expect({ id, sse: table.Properties?.SSESpecification }).toEqual({ id, sse: { SSEEnabled: true } });
    }
  });

  it('keeps point-in-time recovery on the event store and streams its new images as the outbox', async () => {
    const store = (await ciTemplate()).Resources.EventStoreTable;
    expect(store?.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(store?.Properties?.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });

  it('names tables per stage so stages never share data', async () => {
    for (const [, table] of resourcesOfType(await ciTemplate(), 'AWS::DynamoDB::Table')) {
      expect(table.Properties?.TableName).toMatch(/^orderflow-ci-/);
    }
  });
});
