import type { SqsService, ReceivedMessage } from '../aws/sqs/service';
import type { DeliveryFaults } from '../faults';
import type { FunctionInvoker } from '../lambda/invoker';
import { resolveArn } from '../template-arns';
import { referencedName } from '../template-refs';
import { resourcesOfType, type CfnTemplate } from '../template';

/** An SQS → Lambda event source mapping, as the compiled template declares it. */
export interface QueueMapping {
  readonly functionName: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly reportBatchItemFailures: boolean;
  readonly enabled: boolean;
}

export function queueMappingsFromTemplate(template: CfnTemplate, region: string): QueueMapping[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([, resource]) => {
    const p = resource.Properties ?? {};
    const queueArn = (() => {
      try {
        return resolveArn(template, p.EventSourceArn, region);
      } catch {
        return '';
      }
    })();
    if (!queueArn.startsWith('arn:aws:sqs:')) return [];
    return [
      {
        functionName: referencedName(template, p.FunctionName, 'FunctionName'),
        queueArn,
        batchSize: typeof p.BatchSize === 'number' ? p.BatchSize : 10,
        reportBatchItemFailures:
          Array.isArray(p.FunctionResponseTypes) &&
          p.FunctionResponseTypes.includes('ReportBatchItemFailures'),
        enabled: p.Enabled !== false,
      },
    ];
  });
}

/** A message as Lambda's SQS event source hands it to the function. */
const toRecord = (message: ReceivedMessage, region: string) => ({
  messageId: message.messageId,
  receiptHandle: message.receiptHandle,
  body: message.body,
  attributes: message.attributes,
  messageAttributes: Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType,
        stringListValues: [],
        binaryListValues: [],
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined
          ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
          : {}),
      },
    ]),
  ),
  md5OfBody: message.md5OfBody,
  ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
  eventSource: 'aws:sqs',
  eventSourceARN: message.eventSourceArn,
  awsRegion: region,
});

const POLLERS_PER_QUEUE = 2;

/**
 * Lambda's SQS event source: pollers long-poll the queue, invoke the function with a batch, and delete
 * what succeeded. A failed message is left alone: it comes back after its visibility timeout, and the
 * queue's redrive policy moves it to the DLQ after maxReceiveCount receives, as on AWS.
 */
export class SqsEventSource {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private inFlight = 0;

  constructor(
    readonly mapping: QueueMapping,
    private readonly sqs: SqsService,
    private readonly invoker: FunctionInvoker,
    private readonly region: string,
    private readonly log?: (line: string) => void,
    private readonly faults?: DeliveryFaults,
  ) {}

  start(): void {
    this.loops = Array.from({ length: POLLERS_PER_QUEUE }, () => this.poll());
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async poll(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let messages: ReceivedMessage[];
      try {
        messages = await this.sqs.receiveFromQueue(this.mapping.queueArn, {
          maxMessages: Math.min(10, this.mapping.batchSize),
          waitTimeSeconds: 1,
          signal: this.abort.signal,
        });
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.log?.(`sqs poller ${this.mapping.queueArn}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (messages.length === 0) continue;
      this.inFlight += 1;
      try {
        await this.deliver(messages);
      } finally {
        this.inFlight -= 1;
      }
    }
  }

  private async deliver(messages: ReceivedMessage[]): Promise<void> {
    const functionName = this.mapping.functionName;
    const event = { Records: messages.map((message) => toRecord(message, this.region)) };
    let failedIds: Set<string>;
    try {
      const delay = this.faults?.delayMs('delay-sqs-message', functionName) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      let result = await this.invoker.invoke(functionName, event);
      // An injected duplicate: the same messages (same MessageIds) handed over again before deletion.
      if (!result.functionError && this.faults?.duplicate('duplicate-sqs-message', functionName)) {
        result = await this.invoker.invoke(functionName, event);
      }
      if (result.functionError) {
        this.log?.(`${this.mapping.functionName}: ${result.functionError} ${JSON.stringify(result.payload)}`);
        return;
      }
      const failures = this.mapping.reportBatchItemFailures
        ? ((result.payload as { batchItemFailures?: { itemIdentifier?: string }[] } | undefined)
            ?.batchItemFailures ?? [])
        : [];
      failedIds = new Set(failures.map((failure) => String(failure.itemIdentifier)));
      // An identifier that names no message of the batch fails the whole batch, as on AWS.
      if ([...failedIds].some((id) => !messages.some((message) => message.messageId === id))) return;
    } catch (error) {
      this.log?.(`${this.mapping.functionName}: invoke failed: ${String(error)}`);
      return;
    }
    for (const message of messages) {
      if (failedIds.has(message.messageId)) continue;
      try {
        this.sqs.deleteFromQueue(this.mapping.queueArn, message.receiptHandle);
      } catch (error) {
        this.log?.(`delete after success failed: ${String(error)}`);
      }
    }
  }
}
