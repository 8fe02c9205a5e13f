import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '../../support/api';
import { kafkaBootstrap, kafkaClient, uniqueTopic } from '../../support/kafka';

const run = promisify(execFile);

/**
 * kcat is librdkafka's command-line client, from Debian's packages (`.ci/run` installs it when missing): a
 * second Kafka client, written by nobody here, with a different protocol stack from kafkajs.
 */
const kcat = async (args: string[], input?: string): Promise<string> => {
  if (input === undefined) {
    const { stdout } = await run('kcat', ['-b', kafkaBootstrap(), ...args], { timeout: 60_000 });
    return stdout;
  }
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', kafkaBootstrap(), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new RangeError(`kcat exited ${code}: ${stderr}`)),
    );
    child.stdin.end(input);
  });
};

interface KcatMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly payload: string | null;
}

const jsonLines = <T>(stdout: string): T[] =>
  stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as T);

describe('the local Kafka broker with kcat (librdkafka)', () => {
  it('lists the broker and a topic with its partitions (kcat -L)', async () => {
    const topic = uniqueTopic('kcat-listed');
    const admin = kafkaClient('kcat-admin').admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const [metadata] = jsonLines<{
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    }>(await kcat(['-L', '-J', '-t', topic]));
    expect(metadata?.brokers).toEqual([{ id: 0, name: kafkaBootstrap() }]);
    expect(metadata?.topics.map((t) => t.topic)).toEqual([topic]);
    expect(metadata?.topics[0]?.partitions.map((p) => [p.partition, p.leader])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
  });

  it('round-trips keyed records (kcat -P then kcat -C), and kafkajs reads what kcat wrote', async () => {
    const topic = uniqueTopic('kcat-roundtrip');
    const lines = Array.from({ length: 30 }, (_, i) => `order-${i % 4}:payload ${i}`);
    await kcat(['-P', '-t', topic, '-K', ':'], `${lines.join('\n')}\n`);

    const consumed = jsonLines<KcatMessage>(
      await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']),
    );
    expect(consumed).toHaveLength(30);
    for (let key = 0; key < 4; key++) {
      const mine = consumed.filter((message) => message.key === `order-${key}`);
      expect(mine.map((message) => message.payload)).toEqual(
        lines.filter((line) => line.startsWith(`order-${key}:`)).map((line) => line.split(':')[1]),
      );
      // One key, one partition, consecutive offsets within it.
      expect(new Set(mine.map((message) => message.partition)).size).toBe(1);
    }

    const seen: string[] = [];
    const consumer = kafkaClient('kcat-cross').consumer({
      groupId: uniqueTopic('kcat-cross'),
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? ''),
    });
    try {
      await eventually(
        async () => seen.length,
        (count) => count >= 30,
        60_000,
      );
    } finally {
      await consumer.disconnect();
    }
    expect([...seen].sort()).toEqual(lines.map((line) => line.split(':')[1]).sort());
  });

  it('reads from an offset and from the end (kcat -C -o N), and kafkajs-produced records come back whole', async () => {
    const topic = uniqueTopic('kcat-offsets');
    const producer = kafkaClient('kcat-producer').producer();
    await producer.connect();
    try {
      const admin = kafkaClient('kcat-admin2').admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
      for (let i = 0; i < 10; i++) await producer.send({ topic, messages: [{ key: 'k', value: `m${i}` }] });
    } finally {
      await producer.disconnect();
    }
    const fromSeven = jsonLines<KcatMessage>(
      await kcat(['-C', '-t', topic, '-p', '0', '-o', '7', '-e', '-J', '-q']),
    );
    expect(fromSeven.map((message) => [message.offset, message.payload])).toEqual([
      [7, 'm7'],
      [8, 'm8'],
      [9, 'm9'],
    ]);
    const lastTwo = jsonLines<KcatMessage>(
      await kcat(['-C', '-t', topic, '-p', '0', '-o', '-2', '-e', '-J', '-q']),
    );
    expect(lastTwo.map((message) => message.payload)).toEqual(['m8', 'm9']);
  });
});
