import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { ReadModel } from '../../../src/adapters/dynamodb/read-model';
import { PROJECT_ROOT } from '../../../src/local/template';
import { eventually, LOCAL_TABLES, placeOrder } from '../../support/api';
import { documentClient, stackUrls } from '../../support/stack';

const run = promisify(execFile);

describe('npm run rebuild-read-model', () => {
  it('restores corrupted and deleted views from the event store', async () => {
    const readModel = new ReadModel(documentClient(), LOCAL_TABLES.readModel);
    const ids = await Promise.all([placeOrder(), placeOrder()]);
    // Let the saga finish first (nobody stocked these SKUs: it cancels), so only the rebuild changes the views.
    for (const id of ids)
      await eventually(
        () => readModel.get(id),
        (view) => view?.status === 'CANCELLED',
      );
    const original = await readModel.get(ids[0] as string);

    await readModel.replace({ ...(original as NonNullable<typeof original>), status: 'CONFIRMED', total: 1 });
    await documentClient().send(
      new DeleteCommand({ TableName: LOCAL_TABLES.readModel, Key: { orderId: ids[1] } }),
    );

    const { stdout } = await run(
      join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/rebuild-read-model.ts'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ORDERFLOW_AWS_PORT: new URL(stackUrls().aws).port, AWS_ENDPOINT_URL: '' },
      },
    );
    expect(stdout).toMatch(/rebuild-read-model: \d+ views rebuilt, 0 streams skipped/);
    expect(await readModel.get(ids[0] as string)).toEqual(original);
    expect((await readModel.get(ids[1] as string))?.status).toBe('CANCELLED');
  });
});
