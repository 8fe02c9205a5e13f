import { kafkaClient, RawKafkaConnection, uniqueTopic } from '../../support/kafka';

// kafkajs's own record batch encoder: an independent writer of record batch v2 with its CRC-32C.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: { records: unknown[] }) => Promise<{ buffer: Buffer }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  offsetDelta: number;
  key: Buffer;
  value: Buffer;
}) => unknown;

const UNSUPPORTED_VERSION = 35;
const CORRUPT_MESSAGE = 2;
const CRC_AT = 17;

const string = (value: string) => {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(2);
  length.writeInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
const int16 = (value: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
};
const int32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
};

/** A Produce v3 body: no transactional id, acks=1, one topic, partition 0, the given record batch bytes. */
const produceBody = (topic: string, batch: Buffer) =>
  Buffer.concat([
    int16(-1),
    int16(1),
    int32(10_000),
    int32(1),
    string(topic),
    int32(1),
    int32(0),
    int32(batch.length),
    batch,
  ]);

/** The first partition's error code in a Produce v3 response for one topic. */
const produceErrorCode = (response: Buffer, topic: string) => {
  const partitionAt = 4 + 4 + 2 + Buffer.byteLength(topic) + 4;
  return response.readInt16BE(partitionAt + 4);
};

async function serverStillAnswers(): Promise<void> {
  const admin = kafkaClient('after-bad-input').admin();
  await admin.connect();
  try {
    await expect(admin.listTopics()).resolves.toEqual(expect.any(Array));
  } finally {
    await admin.disconnect();
  }
}

describe('the local Kafka broker given bad input', () => {
  it('closes a connection whose frame size is impossible, and keeps serving others', async () => {
    const producer = kafkaClient('bystander').producer();
    await producer.connect();
    try {
      const raw = await RawKafkaConnection.open();
      raw.write(Buffer.from([0x00, 0x00, 0x00, 0x02, 0xff, 0xff]));
      await raw.whenClosed();
      expect(raw.closed).toBe(true);

      const huge = await RawKafkaConnection.open();
      huge.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x00, 0x03]));
      await huge.whenClosed();

      // A producer connected before the bad clients still produces.
      const topic = uniqueTopic('bystander');
      const [result] = await producer.send({ topic, messages: [{ value: 'still here' }] });
      expect(result?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
    await serverStillAnswers();
  });

  it('closes a connection whose request body ends before its fields do', async () => {
    const raw = await RawKafkaConnection.open();
    // Metadata v1 claiming a million topics and carrying none.
    raw.request(3, 1, 7, int32(1_000_000));
    expect(await raw.response()).toBeUndefined();
    expect(raw.closed).toBe(true);
    await serverStillAnswers();
  });

  it('answers an unknown ApiVersions version with UNSUPPORTED_VERSION and the versions it speaks', async () => {
    const raw = await RawKafkaConnection.open();
    try {
      raw.request(18, 99, 42, Buffer.alloc(0));
      const response = await raw.response();
      expect(response?.readInt32BE(0)).toBe(42);
      expect(response?.readInt16BE(4)).toBe(UNSUPPORTED_VERSION);
      const count = response?.readInt32BE(6) ?? 0;
      const versions = new Map<number, [number, number]>();
      for (let i = 0; i < count; i++) {
        const at = 10 + i * 6;
        versions.set(response?.readInt16BE(at) ?? -1, [
          response?.readInt16BE(at + 2) ?? -1,
          response?.readInt16BE(at + 4) ?? -1,
        ]);
      }
      expect(versions.get(0)).toEqual([3, 7]);
      expect(versions.get(1)).toEqual([4, 11]);
      expect(versions.get(18)).toEqual([0, 2]);
      // The same connection goes on serving a version it knows.
      raw.request(18, 2, 43, Buffer.alloc(0));
      const ok = await raw.response();
      expect(ok?.readInt32BE(0)).toBe(43);
      expect(ok?.readInt16BE(4)).toBe(0);
    } finally {
      raw.close();
    }
  });

  it('answers an unknown version or API with UNSUPPORTED_VERSION, then closes that connection only', async () => {
    for (const [apiKey, version] of [
      [3, 99],
      [9999, 0],
    ] as const) {
      const raw = await RawKafkaConnection.open();
      raw.request(apiKey, version, 5, Buffer.alloc(0));
      const response = await raw.response();
      expect(response?.readInt32BE(0)).toBe(5);
      expect(response?.readInt16BE(4)).toBe(UNSUPPORTED_VERSION);
      await raw.whenClosed();
    }
    await serverStillAnswers();
  });

  it('refuses a record batch with a wrong CRC-32C with CORRUPT_MESSAGE and stores nothing of it', async () => {
    const topic = uniqueTopic('crc');
    const admin = kafkaClient('crc-admin').admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      const encoded = await RecordBatch({
        records: [Record({ offsetDelta: 0, key: Buffer.from('k'), value: Buffer.from('v') })],
      });
      const good = Buffer.from(encoded.buffer);
      const bad = Buffer.from(good);
      bad.writeUInt32BE((bad.readUInt32BE(CRC_AT) ^ 0x01) >>> 0, CRC_AT);

      const raw = await RawKafkaConnection.open();
      try {
        raw.request(0, 3, 1, produceBody(topic, bad));
        const refused = await raw.response();
        expect(refused && produceErrorCode(refused, topic)).toBe(CORRUPT_MESSAGE);
        // The connection stays usable, and the intact batch is taken.
        raw.request(0, 3, 2, produceBody(topic, good));
        const taken = await raw.response();
        expect(taken?.readInt32BE(0)).toBe(2);
        expect(taken && produceErrorCode(taken, topic)).toBe(0);
      } finally {
        raw.close();
      }
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.map((partition) => partition.high)).toEqual(['1']);
    } finally {
      await admin.disconnect();
    }
  });
});
