import { connect, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { STACK_ENV } from './paths';

/** The shared stack's Kafka-protocol broker, `127.0.0.1:<port>`. */
export const kafkaBootstrap = (): string => {
  const value = process.env[STACK_ENV.kafka];
  if (!value)
    throw new TypeError(`${STACK_ENV.kafka} is not set: the jest globalSetup starts the shared stack`);
  return value;
};

/** A kafkajs client for the shared broker; retries are generous because the CI machine is slow and shared. */
export const kafkaClient = (clientId: string) =>
  new Kafka({
    clientId,
    brokers: [kafkaBootstrap()],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 10_000,
    requestTimeout: 30_000,
    retry: { retries: 8 },
  });

/** A topic name no other test uses. */
export const uniqueTopic = (prefix: string) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** The offline stack's order-events topic. */
export const ORDER_EVENTS_TOPIC = 'orderflow.local.order-events';

/** True when consumer group `groupId` has committed every partition of `topic` up to its end. */
export async function groupCaughtUp(groupId: string, topic = ORDER_EVENTS_TOPIC): Promise<boolean> {
  const admin = kafkaClient(`caught-up-${groupId}`).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    // A partition nothing was written to has no committed offset (-1) and nothing to wait for.
    return ends.every(
      (end) =>
        Number(end.high) === 0 ||
        Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1) >=
          Number(end.high),
    );
  } finally {
    await admin.disconnect();
  }
}

/** A raw Kafka connection to the broker, for the requests no client library would send. */
export class RawKafkaConnection {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiting?: () => void;
  closed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.waiting?.();
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.waiting?.();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  static open(): Promise<RawKafkaConnection> {
    const [host, port] = kafkaBootstrap().split(':') as [string, string];
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => resolve(new RawKafkaConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Frames a request with header v1 (api key, version, correlation id, client id). */
  request(apiKey: number, version: number, correlationId: number, body: Buffer): void {
    const clientId = Buffer.from('raw-test');
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(version, 2);
    header.writeInt32BE(correlationId, 4);
    header.writeInt16BE(clientId.length, 8);
    const payload = Buffer.concat([header, clientId, body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    this.write(Buffer.concat([size, payload]));
  }

  /** The next response frame (correlation id first), or undefined once the broker closed the connection. */
  async response(): Promise<Buffer | undefined> {
    while (this.frames.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    return this.frames.shift();
  }

  /** Resolves when the broker has closed the connection. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  close(): void {
    this.socket.destroy();
  }
}
