import { DynamoAlertsStore } from '../../../src/adapters/dynamodb/alerts-store';
import { CepStateMoved, type CepRecord } from '../../../src/application/analytics/alerts-store';
import { initialCepState, ORDER_STREAM_RULES } from '../../../src/domain/analytics/rules';
import { createScratchTable, deleteScratchTable } from '../../support/scratch-table';
import { documentClient } from '../../support/stack';

// A table of this file's own, with the analytics table's key schema, on the shared stack's DynamoDB.
const table = `alerts-store-test-${process.pid}-${Date.now().toString(36)}`;
const docs = documentClient();

const record = (offset: number): CepRecord => ({
  state: initialCepState(ORDER_STREAM_RULES),
  offsets: { 'orders-0': offset },
  raisedAt: {},
  unpublished: [],
});

beforeAll(() => createScratchTable(table, { hash: 'pk', range: 'sk' }));

afterAll(async () => {
  docs.destroy();
  await deleteScratchTable(table);
});

describe('DynamoAlertsStore: the CEP state item', () => {
  // Two warm functions (detectAlerts and tickAlerts) each keep the state they last read or wrote.
  const consumer = new DynamoAlertsStore(docs, table);
  const tick = new DynamoAlertsStore(docs, table);

  it('loads what another store instance committed since, not the state it last wrote itself', async () => {
    expect(await consumer.load()).toBeUndefined();
    await consumer.commit(record(10), 0, []);
    expect(await consumer.load()).toMatchObject({ version: 1, offsets: { 'orders-0': 10 } });

    expect(await tick.load()).toMatchObject({ version: 1, offsets: { 'orders-0': 10 } });
    await tick.commit(record(25), 1, []);

    expect(await consumer.load()).toMatchObject({ version: 2, offsets: { 'orders-0': 25 } });
  });

  it('refuses a commit from a stale read, and the next load brings the newer state', async () => {
    const stale = await consumer.load();
    await tick.commit(record(40), stale?.version ?? 0, []);
    await expect(consumer.commit(record(99), stale?.version ?? 0, [])).rejects.toBeInstanceOf(CepStateMoved);
    expect(await consumer.load()).toMatchObject({ offsets: { 'orders-0': 40 } });
  });
});
