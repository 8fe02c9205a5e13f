import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startCli } from '../../support/cli';
import { freePort } from '../../support/ports';
import { TEST_CREDENTIALS, TEST_REGION } from '../../support/stack';

const portsEnv = async () => ({
  ORDERFLOW_HTTP_PORT: String(await freePort()),
  ORDERFLOW_AWS_PORT: String(await freePort()),
  ORDERFLOW_LAMBDA_PORT: String(await freePort()),
  ORDERFLOW_PAYMENTS_PORT: String(await freePort()),
  // Kafka too: a running `npm start` (or another test's stack) may hold 9092.
  ORDERFLOW_KAFKA_PORT: String(await freePort()),
});

const documentsAt = (port: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    }),
  );

/** Per start: startCli waits up to 150 s for the ready line on a loaded machine, then the test's own work. */
const START_LIMIT_MS = 240_000;

describe('npm start', () => {
  it(
    'prints exactly one ready line, serves on the ports it was given and stops cleanly on SIGTERM',
    async () => {
      const env = await portsEnv();
      const cli = await startCli(env);
      expect(cli.readyLine).toBe(
        `orderflow ready: http=http://127.0.0.1:${env.ORDERFLOW_HTTP_PORT} aws=http://127.0.0.1:${env.ORDERFLOW_AWS_PORT} console=http://127.0.0.1:${env.ORDERFLOW_HTTP_PORT}/console`,
      );
      const health = await fetch(`http://127.0.0.1:${env.ORDERFLOW_HTTP_PORT}/health`);
      expect(health.status).toBe(200);
      // Authorization is on by default.
      const anonymous = await fetch(`http://127.0.0.1:${env.ORDERFLOW_HTTP_PORT}/orders?customerId=nobody`);
      expect(anonymous.status).toBe(401);
      cli.child.kill('SIGTERM');
      expect(await cli.exit).toBe(0);
      expect(cli.stdoutLines.filter((line) => line.trim() !== '')).toEqual([cli.readyLine]);
      await expect(fetch(`http://127.0.0.1:${env.ORDERFLOW_AWS_PORT}/`)).rejects.toThrow();
    },
    START_LIMIT_MS,
  );

  it(
    'keeps DynamoDB data across restarts with --data DIR',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'orderflow-data-'));
      try {
        const env = await portsEnv();
        const item = { streamId: 'order#persisted', version: 1, note: 'survives a restart' };
        const first = await startCli(env, ['--data', dataDir]);
        await documentsAt(env.ORDERFLOW_AWS_PORT).send(
          new PutCommand({ TableName: 'orderflow-local-event-store', Item: item }),
        );
        first.child.kill('SIGINT');
        expect(await first.exit).toBe(0);

        const second = await startCli(env, ['--data', dataDir]);
        const { Item } = await documentsAt(env.ORDERFLOW_AWS_PORT).send(
          new GetCommand({
            TableName: 'orderflow-local-event-store',
            Key: { streamId: item.streamId, version: 1 },
          }),
        );
        second.child.kill('SIGTERM');
        expect(await second.exit).toBe(0);
        expect(Item).toEqual(item);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    2 * START_LIMIT_MS,
  );

  it(
    'serves without authorization when ORDERFLOW_NO_AUTH=true, for quick experiments',
    async () => {
      const env = { ...(await portsEnv()), ORDERFLOW_NO_AUTH: 'true' };
      const cli = await startCli(env);
      try {
        const base = `http://127.0.0.1:${env.ORDERFLOW_HTTP_PORT}`;
        const anonymous = await fetch(`${base}/orders?customerId=nobody`);
        expect({ status: anonymous.status, body: await anonymous.json() }).toEqual({
          status: 200,
          body: { items: [] },
        });
        // A request without a token runs as the local operator, an explicit identity with the admin scope.
        expect((await fetch(`${base}/reviews`)).status).toBe(200);
        // A token that is given is still checked: switching authorization off does not make forgeries valid.
        const forged = await fetch(`${base}/reviews`, { headers: { authorization: 'Bearer not-a-token' } });
        expect(forged.status).toBe(401);
      } finally {
        cli.child.kill('SIGTERM');
        await cli.exit;
      }
    },
    START_LIMIT_MS,
  );

  it('refuses a malformed port with a message and a non-zero exit', async () => {
    await expect(startCli({ ORDERFLOW_HTTP_PORT: 'not-a-port' }, [], 20_000)).rejects.toThrow(
      /ORDERFLOW_HTTP_PORT must be a port number/,
    );
  });
});
