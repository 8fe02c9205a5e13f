/**
 * Rebuilds the order read model from the event store: every order's view is folded from its whole
 * stream and written over whatever the read model holds. Safe to run while the system serves: the
 * projector only ever writes newer versions, and a rebuilt view is the newest.
 *
 *   npm run rebuild-read-model                    # the local stack (http://127.0.0.1:4566)
 *   npm run rebuild-read-model -- --stage dev     # a deployed stage, with AWS credentials
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as E from 'fp-ts/Either';
import { EventStore } from '../src/adapters/dynamodb/event-store';
import { ReadModel } from '../src/adapters/dynamodb/read-model';
import { CorruptItemError } from '../src/adapters/dynamodb/stored-items';
import { foldOrderStream } from '../src/application';
import { toView } from '../src/domain/orders';
import { scriptTarget } from './aws-env';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string', default: 'local' },
      endpoint: { type: 'string' },
    },
  });
  const { stage, clientConfig } = scriptTarget(values);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store = new EventStore(client, `orderflow-${stage}-event-store`);
  const readModel = new ReadModel(client, `orderflow-${stage}-read-model`);

  let rebuilt = 0;
  let failed = 0;
  for await (const orderId of store.orderIds()) {
    const folded = await store.load(orderId).then(foldOrderStream, (error: unknown) => {
      // An event whose metadata does not decode stops its stream like one whose data does not.
      if (error instanceof CorruptItemError) return E.left(error);
      throw error;
    });
    const state = E.isRight(folded) ? folded.right : undefined;
    if (!state) {
      failed += 1;
      process.stderr.write(
        `order ${orderId}: stream cannot be folded${E.isLeft(folded) ? `: ${folded.left.message}` : ''}\n`,
      );
      continue;
    }
    await readModel.replace(toView(state));
    rebuilt += 1;
  }
  process.stdout.write(`rebuild-read-model: ${rebuilt} views rebuilt, ${failed} streams skipped\n`);
  client.destroy();
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `rebuild-read-model failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
