import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { EventEnvelope } from '../../domain/shared/envelope';
import { requiredEnv } from '../env';

/**
 * The order event stream on Kafka (Amazon MSK): one record per stored event, keyed by order id so that one
 * order's events stay in order in one partition, the envelope JSON as the value, and headers that let a
 * consumer route and deduplicate without parsing the value.
 */
export interface OrderStreamRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

export const orderStreamRecord = (envelope: EventEnvelope<unknown>): OrderStreamRecord => ({
  key: envelope.metadata.orderId,
  value: JSON.stringify(envelope),
  headers: {
    type: envelope.metadata.type,
    'schema-version': String(envelope.metadata.schemaVersion),
    'correlation-id': envelope.metadata.correlationId,
    'event-id': envelope.metadata.eventId,
    'content-type': 'application/json',
  },
});

export interface OrderStreamSettings {
  readonly brokers: string[];
  readonly topic: string;
  readonly partitions: number;
  /** `iam`: TLS and SASL/OAUTHBEARER signed with the function's role (MSK Serverless); `none`: plaintext. */
  readonly auth: 'iam' | 'none';
  readonly region: string;
}

export class KafkaSettingError extends Error {
  override readonly name = 'KafkaSettingError';
}

export function orderStreamSettingsFromEnv(): OrderStreamSettings {
  const auth = requiredEnv('KAFKA_AUTH');
  if (auth !== 'iam' && auth !== 'none')
    throw new KafkaSettingError(`KAFKA_AUTH must be iam or none, got ${auth}`);
  const partitions = Number(requiredEnv('KAFKA_TOPIC_PARTITIONS'));
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new KafkaSettingError('KAFKA_TOPIC_PARTITIONS must be a whole number of at least 1');
  }
  return {
    brokers: requiredEnv('KAFKA_BROKERS')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== ''),
    topic: requiredEnv('KAFKA_TOPIC'),
    partitions,
    auth,
    region: requiredEnv('AWS_REGION'),
  };
}

/** The Kafka client for the settings: MSK IAM through AWS's own signer, loaded only where it is used. */
export function kafkaFor(settings: OrderStreamSettings): Kafka {
  const common = { clientId: 'orderflow-order-stream', brokers: settings.brokers, logLevel: logLevel.WARN };
  if (settings.auth === 'none') return new Kafka(common);
  return new Kafka({
    ...common,
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => {
        const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
        const { token } = await generateAuthToken({ region: settings.region });
        return { value: token };
      },
    },
  });
}

/**
 * A producer kept for the life of the execution environment. The topic is created on first connect when it
 * is missing (MSK Serverless has no topic resource in CloudFormation), so the producer's role may create
 * that one topic and nothing else.
 */
export class OrderStreamProducer {
  private producer?: Promise<Producer>;

  constructor(private readonly settings: OrderStreamSettings) {}

  private connect(): Promise<Producer> {
    this.producer ??= (async () => {
      const kafka = kafkaFor(this.settings);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const existing = await admin.listTopics();
        if (!existing.includes(this.settings.topic)) {
          await admin.createTopics({
            topics: [{ topic: this.settings.topic, numPartitions: this.settings.partitions }],
            waitForLeaders: true,
          });
        }
      } finally {
        await admin.disconnect();
      }
      // One send at a time per environment, and a stream shard is handed to one invocation at a time, so
      // records of one order reach their partition in the order they were stored.
      const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  /** Closes the connection, for a process that ends (a script); a function's environment keeps it. */
  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer).disconnect();
  }

  /** Sends every record (acks from all in-sync replicas); throws when any partition refused them. */
  async send(records: readonly OrderStreamRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connect();
    await producer.send({
      topic: this.settings.topic,
      acks: -1,
      messages: records.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
    });
  }
}
