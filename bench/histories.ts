import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { percentiles, round } from './stats';

const executionArn = (orderId: string) =>
  `arn:aws:states:us-east-1:000000000000:execution:orderflow-local-order-saga:${orderId}`;

/** The saga execution histories of some orders (GetExecutionHistory, as a console or CLI reads them). */
export async function readHistories(awsUrl: string, orderIds: readonly string[]): Promise<HistoryEvent[][]> {
  const sfn = new SFNClient({
    endpoint: awsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const histories: HistoryEvent[][] = [];
    for (const orderId of orderIds) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn: executionArn(orderId),
            maxResults: 1000,
            nextToken,
          }),
        );
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      histories.push(events);
    }
    return histories;
  } finally {
    sfn.destroy();
  }
}

/** State transitions of one execution, as Step Functions Standard bills them: one per state entered. */
export const transitionsOf = (history: readonly HistoryEvent[]): number =>
  history.filter((event) => event.type?.endsWith('StateEntered')).length;

export function transitionSummary(histories: readonly HistoryEvent[][]) {
  const counts = histories.map(transitionsOf);
  return {
    executions: counts.length,
    min: counts.length ? Math.min(...counts) : 0,
    max: counts.length ? Math.max(...counts) : 0,
    mean: counts.length ? round(counts.reduce((a, b) => a + b, 0) / counts.length, 2) : 0,
  };
}

/**
 * Time from TaskStateEntered to TaskStateExited per Task state name, across executions: where an
 * order's time goes inside the saga (retries included, as they are part of the step).
 */
export function stepLatencies(histories: readonly HistoryEvent[][]) {
  const samples = new Map<string, number[]>();
  for (const history of histories) {
    const entered = new Map<string, number>();
    for (const event of history) {
      const at = event.timestamp ? new Date(event.timestamp).getTime() : undefined;
      if (at === undefined) continue;
      if (event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name) {
        entered.set(event.stateEnteredEventDetails.name, at);
      } else if (event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name) {
        const name = event.stateExitedEventDetails.name;
        const start = entered.get(name);
        if (start === undefined) continue;
        entered.delete(name);
        const list = samples.get(name) ?? [];
        list.push(at - start);
        samples.set(name, list);
      }
    }
  }
  return Object.fromEntries(
    [...samples].map(([name, ms]) => {
      const { p50, p95, p99 } = percentiles(ms);
      return [name, { executions: ms.length, p50Ms: round(p50), p95Ms: round(p95), p99Ms: round(p99) }];
    }),
  );
}
