import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { api, eventually, placeOrder, uniqueCustomer, validOrder } from '../../support/api';
import { groupCaughtUp } from '../../support/kafka';
import { sqsClient } from '../../support/messaging';
import { dynamoDb, localClientConfig, stackUrls, TEST_CREDENTIALS, TEST_REGION } from '../../support/stack';

/**
 * The alerts pipeline on the real offline stack: orders placed through the HTTP API reach detectAlerts
 * through the whole path (event store stream -> publishOrderStream -> the order-events topic -> the msk
 * event source, its own consumer group), the velocity rule trips for one customer, and the AlertRaised
 * shows in GET /analytics/alerts and, through the bus, the alerts rule and the alerts topic, in the ops
 * alerts queue: exactly once, though the event source delivers batches twice. The local stage keeps the
 * cloud thresholds (more than 5 orders per customer in 10 minutes), so six orders trip it.
 */

const CONSUMER = 'orderflow-local-detectAlerts';
const GROUP = 'orderflow-local-alerts';
const OPS_ALERTS_QUEUE = 'orderflow-local-ops-alerts';
const ANALYTICS_TABLE = 'orderflow-local-analytics';

interface AlertBody {
  readonly alertId: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly subject: string;
  readonly summary: string;
  readonly evidence: string[];
  readonly window: { start: string; end: string };
  readonly raisedAt: string;
  readonly clearedAt: string | null;
}

const control = async (operation: string, body: unknown) => {
  const response = await fetch(stackUrls().aws, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `OrderflowLocal.${operation}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
};

const alertsSince = async (since: Date, subject: string, status = 'all'): Promise<AlertBody[]> => {
  const result = await api<{ alerts: AlertBody[] }>(
    'GET',
    `/analytics/alerts?since=${since.toISOString()}&status=${status}&limit=500`,
  );
  expect(result.status).toBe(200);
  return result.body.alerts.filter((alert) => alert.subject === subject);
};

/** Every alert raised since `since`, following nextToken with pages of `limit`. */
async function allAlertsSince(since: Date, limit: number): Promise<AlertBody[]> {
  const alerts: AlertBody[] = [];
  let token: string | undefined;
  do {
    const page = await api<{ alerts: AlertBody[]; nextToken?: string }>(
      'GET',
      `/analytics/alerts?since=${since.toISOString()}&limit=${limit}${token ? `&nextToken=${token}` : ''}`,
    );
    expect(page.status).toBe(200);
    expect(page.body.alerts.length).toBeLessThanOrEqual(limit);
    alerts.push(...page.body.alerts);
    token = page.body.nextToken;
  } while (token !== undefined);
  return alerts;
}

const consumerCaughtUp = (): Promise<boolean> => groupCaughtUp(GROUP);

/** How many committed alerts are not yet on the bus (the CEP state item's list). */
async function unpublishedAlerts(): Promise<number> {
  const client = dynamoDb();
  try {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: ANALYTICS_TABLE,
        Key: { pk: { S: 'cep' }, sk: { S: 'state' } },
        ConsistentRead: true,
      }),
    );
    return Number(Item?.unpublished?.N ?? 0);
  } finally {
    client.destroy();
  }
}

/** Every message the ops alerts queue has given this test file (only this file reads that queue). */
const opsAlerts: AlertBody[] = [];

/** Receives (and deletes) what the ops alerts queue holds now; answers every message received so far. */
async function drainOpsAlerts(): Promise<AlertBody[]> {
  const client = sqsClient();
  try {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: OPS_ALERTS_QUEUE }));
    for (;;) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) return opsAlerts;
      for (const message of Messages) {
        opsAlerts.push(JSON.parse(message.Body ?? '{}') as AlertBody);
        await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * The alerts about `subject`, one per alertId. Delivery is at least once (a retried rule target or
 * subscription on a busy machine delivers again), and subscribers drop a repeat by its alertId; what must
 * hold is that one alert is raised, so the test does what a subscriber does.
 */
const about = (alerts: readonly AlertBody[], subject: string) => [
  ...new Map(alerts.filter((a) => a.subject === subject).map((a) => [a.alertId, a])).values(),
];

describe('analytics: alerts from the order-events topic', () => {
  afterEach(() => control('ClearFaults', {}));

  it('raises one velocity alert for a customer over the threshold, in the API and the ops alerts queue, and none below it', async () => {
    const since = new Date(Date.now() - 60_000);
    const fast = uniqueCustomer('alerts-fast');
    const slow = uniqueCustomer('alerts-slow');
    await control('InjectFault', { kind: 'duplicate-kafka-record', functionName: CONSUMER, count: 5 });
    // A second customer over the threshold gives the listing two alerts to page through.
    const alsoFast = uniqueCustomer('alerts-fast');
    for (let i = 0; i < 6; i += 1) {
      await placeOrder(validOrder({ customerId: fast }));
      await placeOrder(validOrder({ customerId: alsoFast }));
    }
    for (let i = 0; i < 2; i += 1) await placeOrder(validOrder({ customerId: slow }));

    const [raised] = await eventually(
      () => alertsSince(since, fast),
      (alerts) => alerts.length > 0,
      180_000,
    );
    expect(raised).toMatchObject({
      alertId: expect.stringMatching(new RegExp(`^velocity:${fast}:`)),
      ruleId: 'velocity',
      severity: 'warning',
      subject: fast,
      clearedAt: null,
    });
    expect(raised?.evidence).toHaveLength(6);

    // Once every record is evaluated and every committed alert is on the bus, nothing more can come.
    await eventually(consumerCaughtUp, (done) => done, 180_000);
    await eventually(unpublishedAlerts, (count) => count === 0, 120_000);
    expect(await alertsSince(since, fast)).toHaveLength(1);
    expect(await alertsSince(since, alsoFast)).toHaveLength(1);
    expect(await alertsSince(since, slow)).toEqual([]);
    expect(await alertsSince(since, fast, 'open')).toHaveLength(1);
    expect(await alertsSince(since, fast, 'cleared')).toEqual([]);
    expect(await alertsSince(new Date(Date.now() + 60_000), fast)).toEqual([]);

    // Paging one alert at a time gives the same list, newest raisedAt first.
    const all = await allAlertsSince(since, 500);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const paged = await allAlertsSince(since, 1);
    expect(paged.map((a) => a.alertId)).toEqual(all.map((a) => a.alertId));
    expect(paged.map((a) => a.raisedAt)).toEqual([...paged.map((a) => a.raisedAt)].sort().reverse());

    // Delivered through EventBridge -> SNS -> SQS, raw: the body is the AlertRaised detail.
    await eventually(
      drainOpsAlerts,
      (alerts) => about(alerts, fast).length > 0 && about(alerts, alsoFast).length > 0,
      120_000,
    );
    const delivered = await drainOpsAlerts();
    expect(about(delivered, fast)).toEqual([
      expect.objectContaining({ alertId: raised?.alertId, ruleId: 'velocity' }),
    ]);
    expect(about(delivered, alsoFast)).toEqual([expect.objectContaining({ ruleId: 'velocity' })]);
    expect(about(delivered, slow)).toEqual([]);
  });

  it('delivers an AlertRaised that reaches the bus via the alerts topic to the ops alerts queue', async () => {
    const subject = uniqueCustomer('alerts-bus');
    const detail = {
      alertId: `e2e:${subject}:2026-01-01T00:00:00.000Z`,
      ruleId: 'e2e',
      severity: 'info',
      subject,
      summary: 'put on the bus by a test',
      evidence: [],
      window: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:01:00.000Z' },
      raisedAt: '2026-01-01T00:01:00.000Z',
    };
    const events = new EventBridgeClient(localClientConfig());
    try {
      const result = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'orderflow-local',
              Source: 'orderflow.analytics',
              DetailType: 'AlertRaised',
              Detail: JSON.stringify(detail),
            },
            // AlertCleared is not routed to the alerts topic.
            {
              EventBusName: 'orderflow-local',
              Source: 'orderflow.analytics',
              DetailType: 'AlertCleared',
              Detail: JSON.stringify({ ...detail, clearedAt: '2026-01-01T00:02:00.000Z' }),
            },
          ],
        }),
      );
      expect(result.FailedEntryCount).toBe(0);
    } finally {
      events.destroy();
    }
    await eventually(drainOpsAlerts, (alerts) => about(alerts, subject).length > 0, 60_000);
    expect(about(await drainOpsAlerts(), subject)).toEqual([detail]);
  });

  it('runs tickAlerts (what the schedule rule invokes) into the same CEP state', async () => {
    const client = new LambdaClient({
      endpoint: stackUrls().lambda,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    });
    try {
      const scheduled = {
        version: '0',
        id: 'e2e-tick',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date().toISOString(),
        region: TEST_REGION,
        resources: ['arn:aws:events:us-east-1:000000000000:rule/orderflow-local-alerts-tick'],
        detail: {},
      };
      const response = await client.send(
        new InvokeCommand({
          FunctionName: 'orderflow-local-tickAlerts',
          Payload: Buffer.from(JSON.stringify(scheduled)),
        }),
      );
      expect(response.FunctionError).toBeUndefined();
      const outcome = JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8')) as {
        committed: unknown[];
        unpublished: number;
        anomaly?: { scored: number; skipped: number; error?: unknown };
      };
      expect(Array.isArray(outcome.committed)).toBe(true);
      expect(outcome.unpublished).toBe(0);
      // The tick scores (or finds the closed minutes scored by a scheduled tick): a failed call would show
      // as an error, refused minutes as skipped.
      expect(outcome.anomaly).toEqual({ scored: expect.any(Number), skipped: 0 });
    } finally {
      client.destroy();
    }
  });

  it('refuses a bad query with a structured 400 naming each field, and customers', async () => {
    const bad = await api<{ error: { code: string; details: { path: string; rule: string }[] } }>(
      'GET',
      '/analytics/alerts?since=yesterday&status=closed&limit=501&nextToken=x',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map(({ path, rule }) => ({ path, rule }))).toEqual([
      { path: 'since', rule: 'format' },
      { path: 'status', rule: 'oneOf' },
      { path: 'limit', rule: 'range' },
      { path: 'nextToken', rule: 'format' },
    ]);
    const anonymous = await api('GET', '/analytics/alerts', { authorization: null });
    expect(anonymous.status).toBe(401);
  });
});
