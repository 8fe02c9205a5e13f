import type { ReplayTopic } from '../../application/analytics/replay-views';
import type { OrderEventEnvelope } from '../../domain/orders/order-envelopes';
import {
  kafkaFor,
  OrderStreamProducer,
  orderStreamRecord,
  type OrderStreamSettings,
} from './order-stream-producer';

export class OrderStreamTopicMissing extends Error {
  override readonly name = 'OrderStreamTopicMissing';
}

/**
 * The order-events topic for a replay: records built and sent exactly as publishOrderStream sends them
 * (orderStreamRecord, OrderStreamProducer), and the partitions' end offsets, named `<topic>-<n>` as the
 * msk event source names them to the consumer.
 */
export class OrderStreamReplayTopic implements ReplayTopic {
  private readonly producer: OrderStreamProducer;

  constructor(
    private readonly settings: Omit<OrderStreamSettings, 'partitions'> & {
      partitions?: number;
      /** The analytics consumer group (`orderflow-<stage>-analytics`). */
      consumerGroup: string;
    },
  ) {
    // The topic must exist (endOffsets refuses otherwise), so the producer never creates it.
    this.producer = new OrderStreamProducer({ ...settings, partitions: settings.partitions ?? 1 });
  }

  async endOffsets(): Promise<Map<string, number>> {
    const admin = kafkaFor({ ...this.settings, partitions: 1 }).admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(this.settings.topic)) {
        throw new OrderStreamTopicMissing(`topic ${this.settings.topic} does not exist`);
      }
      const offsets = await admin.fetchTopicOffsets(this.settings.topic);
      return new Map(
        offsets.map(({ partition, high }) => [`${this.settings.topic}-${partition}`, Number(high)]),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async committedOffsets(): Promise<Map<string, number>> {
    const admin = kafkaFor({ ...this.settings, partitions: 1 }).admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({
        groupId: this.settings.consumerGroup,
        topics: [this.settings.topic],
      });
      // A partition the group never committed answers -1.
      return new Map(
        (offsets?.partitions ?? []).map(({ partition, offset }) => [
          `${this.settings.topic}-${partition}`,
          Math.max(0, Number(offset)),
        ]),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async send(events: readonly OrderEventEnvelope[]): Promise<void> {
    await this.producer.send(events.map(orderStreamRecord));
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
