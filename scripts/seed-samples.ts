/**
 * `npm run seed:samples`: makes the sample events in events/ act on real things in the running stack
 * (`npm start`), so that `sls invoke local -f <function> -p events/<function>.json` answers as the README says
 * instead of 404. It stores the sample order every sample names (the OrderPlaced of events/publishOutbox.json,
 * through the event store as placeOrder would), waits for its saga to end, then prices and stocks SKU-RED so
 * that events/placeOrder.json is accepted. Running it again changes nothing.
 *
 *   npm run seed:samples                    # the local stack (http://127.0.0.1:3000, :4566)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EventStore } from '../src/adapters/dynamodb/event-store';
import { bearer } from '../src/local/auth/dev-token';
import { scriptTarget } from './aws-env';

/** The order every sample event names. */
export const SAMPLE_ORDER_ID = '01JDQ6Z3Q8V0S5N0M9E4XK2A7B';
const EVENTS_DIR = join(__dirname, '..', 'events');

/** Stores the sample order's OrderPlaced unless its stream exists; true when it was stored now. */
export async function storeSampleOrder(store: EventStore): Promise<boolean> {
  if ((await store.load(SAMPLE_ORDER_ID)).length > 0) return false;
  const sample = JSON.parse(readFileSync(join(EVENTS_DIR, 'publishOutbox.json'), 'utf8')) as {
    Records: { dynamodb: { NewImage: Record<string, AttributeValue> } }[];
  };
  const item = unmarshall(sample.Records[0]?.dynamodb.NewImage ?? {});
  await store.append([
    { metadata: { ...item.metadata, occurredAt: new Date().toISOString() }, data: item.data },
  ]);
  return true;
}

const TERMINAL = new Set(['CONFIRMED', 'CANCELLED']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { stage, clientConfig } = scriptTarget({});
  const httpUrl =
    process.env.ORDERFLOW_HTTP_URL ?? `http://127.0.0.1:${process.env.ORDERFLOW_HTTP_PORT ?? '3000'}`;
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
  const operator = { authorization: bearer({ role: 'admin', region: clientConfig.region }) };
  try {
    const stored = await storeSampleOrder(new EventStore(client, `orderflow-${stage}-event-store`));
    process.stdout.write(`sample order ${SAMPLE_ORDER_ID}: ${stored ? 'stored' : 'already there'}\n`);
    // The saga runs on the stack; the samples of its steps are written for an order whose saga has ended.
    const deadline = Date.now() + 120_000;
    let status = '';
    while (!TERMINAL.has(status)) {
      if (Date.now() > deadline)
        throw new RangeError(`the sample order's saga did not end (status ${status})`);
      const response = await fetch(`${httpUrl}/orders/${SAMPLE_ORDER_ID}`, { headers: operator });
      if (response.ok) status = ((await response.json()) as { status: string }).status;
      if (!TERMINAL.has(status)) await sleep(250);
    }
    process.stdout.write(`sample order ${SAMPLE_ORDER_ID}: ${status}\n`);
    const priced = await fetch(`${httpUrl}/inventory/SKU-RED`, {
      method: 'PUT',
      headers: { ...operator, 'content-type': 'application/json' },
      body: JSON.stringify({ available: 10, unitPrice: 1250, currency: 'EUR' }),
    });
    if (!priced.ok)
      throw new RangeError(`PUT /inventory/SKU-RED answered ${priced.status}: ${await priced.text()}`);
    process.stdout.write('SKU-RED: 10 available at 12.50 EUR (events/placeOrder.json buys it)\n');
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `seed:samples: ${error instanceof Error ? error.message : String(error)} (is npm start running?)\n`,
    );
    process.exit(1);
  });
}
