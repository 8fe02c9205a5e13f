import type { RequestCounts } from '../src/local/metrics/request-counter';
import { BenchError } from './errors';

/** The local control API's request counters (OrderflowLocal.GetRequestCounts / ResetRequestCounts). */
export class CounterControl {
  constructor(private readonly awsUrl: string) {}

  get(): Promise<RequestCounts> {
    return this.call('GetRequestCounts');
  }

  reset(): Promise<RequestCounts> {
    return this.call('ResetRequestCounts');
  }

  /**
   * Waits until the system has stopped working: nothing read, written, invoked or delivered for
   * `quietMs`. The tail of an order (outcome events, notifications) runs after it is CONFIRMED,
   * and belongs to its cost.
   */
  async waitForQuiet(
    quietMs = 3_000,
    timeoutMs = 120_000,
  ): Promise<{ counts: RequestCounts; quiet: boolean }> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.get();
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = await this.get();
      if (activity(now) !== activity(last)) quietSince = Date.now();
      else if (Date.now() - quietSince >= quietMs) return { counts: now, quiet: true };
      last = now;
    }
    return { counts: last, quiet: false };
  }

  private async call(operation: string): Promise<RequestCounts> {
    const response = await fetch(this.awsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `OrderflowLocal.${operation}`,
      },
      body: '{}',
    });
    if (response.status !== 200) {
      throw new BenchError(
        `OrderflowLocal.${operation} answered ${response.status}: is this stack older than its request counters?`,
      );
    }
    return (await response.json()) as RequestCounts;
  }
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

const activity = (counts: RequestCounts): number =>
  counts.dynamodb.reads +
  counts.dynamodb.writes +
  sum(Object.values(counts.lambda).map((f) => f.invocations)) +
  sum(Object.values(counts.deliveries));
