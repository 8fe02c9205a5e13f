import type { DynamoDbService } from '../aws/dynamodb';
import type { DeliveryFaults } from '../faults';
import type { FunctionInvoker } from '../lambda/invoker';
import { tableDefinitions } from '../tables';
import type { CfnTemplate } from '../template';
import { streamMappingsFromTemplate } from './event-source-mappings';
import { StreamLog } from './stream-log';
import { StreamPoller, type FailedBatch } from './stream-poller';

const ACCOUNT_ID = '000000000000';

/** DynamoDB Streams for the tables the template streams, and the Lambda mappings that read them. */
export class LocalStreams {
  private readonly logs = new Map<string, StreamLog>();
  private readonly pollers: StreamPoller[] = [];
  readonly failedBatches: FailedBatch[] = [];

  constructor(
    private readonly template: CfnTemplate,
    private readonly region: string,
  ) {}

  /** Captures every write to a streamed table from the moment this is called. */
  attach(dynamodb: DynamoDbService): void {
    for (const table of tableDefinitions(this.template)) {
      const viewType = table.StreamSpecification?.StreamViewType;
      if (!viewType) continue;
      const name = table.TableName as string;
      const keyNames = (table.KeySchema ?? []).map((key) => key.AttributeName as string);
      const arn = `arn:aws:dynamodb:${this.region}:${ACCOUNT_ID}:table/${name}/stream/1970-01-01T00:00:00.000`;
      this.logs.set(name, new StreamLog(arn, viewType, this.region));
      dynamodb.captureChanges(name, keyNames);
    }
    dynamodb.onChange((change) => this.logs.get(change.tableName)?.append(change));
  }

  /** Starts delivering to the functions; records written before this are delivered too (TRIM_HORIZON). */
  startDelivery(
    invoker: FunctionInvoker,
    onFailedBatch: (batch: FailedBatch) => Promise<void>,
    log?: (line: string) => void,
    faults?: DeliveryFaults,
  ): void {
    for (const mapping of streamMappingsFromTemplate(this.template, this.region)) {
      const stream = this.logs.get(mapping.tableName);
      if (!stream || !mapping.enabled) continue;
      const poller = new StreamPoller(mapping, stream, {
        invoker,
        log,
        faults,
        onFailedBatch: async (batch) => {
          this.failedBatches.push(batch);
          await onFailedBatch(batch);
        },
      });
      poller.start();
      this.pollers.push(poller);
    }
  }

  get mappings(): readonly string[] {
    return this.pollers.map((poller) => `${poller.mapping.tableName} -> ${poller.mapping.functionName}`);
  }

  /** True when every stream record so far reached every function reading it. */
  get idle(): boolean {
    return this.pollers.every((poller) => poller.caughtUp);
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((poller) => poller.stop()));
  }
}
