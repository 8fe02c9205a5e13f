/** A change to an item, as DynamoDB Streams describes it (attribute values in DynamoDB JSON). */
export interface ItemChange {
  readonly tableName: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly keys: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
}

export interface StreamRecord {
  readonly eventID: string;
  readonly eventName: ItemChange['eventName'];
  readonly eventVersion: '1.1';
  readonly eventSource: 'aws:dynamodb';
  readonly awsRegion: string;
  readonly eventSourceARN: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly Keys: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: string;
  };
}

const SEQUENCE_WIDTH = 21;

/**
 * The stream of one table: an append-only log with increasing sequence numbers. One shard per table,
 * so records are in commit order, which keeps them in order per partition key as DynamoDB promises.
 */
export class StreamLog {
  private readonly records: StreamRecord[] = [];
  private readonly waiters = new Set<() => void>();
  private sequence = 0;

  constructor(
    readonly streamArn: string,
    private readonly viewType: string,
    private readonly region: string,
  ) {}

  append(change: ItemChange, now = Date.now()): StreamRecord {
    this.sequence += 1;
    const sequenceNumber = String(this.sequence).padStart(SEQUENCE_WIDTH, '0');
    const withNew = this.viewType === 'NEW_IMAGE' || this.viewType === 'NEW_AND_OLD_IMAGES';
    const withOld = this.viewType === 'OLD_IMAGE' || this.viewType === 'NEW_AND_OLD_IMAGES';
    const record: StreamRecord = {
      eventID: `${this.sequence}-${now}`,
      eventName: change.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      eventSourceARN: this.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(now / 1000),
        Keys: change.keys,
        ...(withNew && change.newImage ? { NewImage: change.newImage } : {}),
        ...(withOld && change.oldImage ? { OldImage: change.oldImage } : {}),
        SequenceNumber: sequenceNumber,
        SizeBytes: JSON.stringify(change.newImage ?? change.keys).length,
        StreamViewType: this.viewType,
      },
    };
    this.records.push(record);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    return record;
  }

  /** Records from position `from` (0-based), at most `limit`. */
  read(from: number, limit: number): StreamRecord[] {
    return this.records.slice(from, from + limit);
  }

  get length(): number {
    return this.records.length;
  }

  /** Resolves when a record past `position` exists, or after `timeoutMs`. */
  waitForRecords(position: number, timeoutMs: number): Promise<void> {
    if (this.records.length > position) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }
}
