import { createServer, type Server, type Socket } from 'node:net';
import { MalformedRequestError, Reader, Writer } from './codec';
import { KafkaErrorCode } from './errors';
import { GroupCoordinator } from './groups';
import { TopicStore, type TopicSpec } from './log';
import type { BrokerContext, KafkaApi } from './apis/api';
import { apiVersionsApi, writeApiVersions } from './apis/api-versions';
import { createTopicsApi } from './apis/create-topics';
import { fetchApi } from './apis/fetch';
import { findCoordinatorApi } from './apis/find-coordinator';
import { heartbeatApi } from './apis/heartbeat';
import { joinGroupApi } from './apis/join-group';
import { leaveGroupApi } from './apis/leave-group';
import { listOffsetsApi } from './apis/list-offsets';
import { metadataApi } from './apis/metadata';
import { offsetCommitApi } from './apis/offset-commit';
import { offsetFetchApi } from './apis/offset-fetch';
import { produceApi } from './apis/produce';
import { syncGroupApi } from './apis/sync-group';

/** Kafka's socket.request.max.bytes default; a larger size prefix is a broken or hostile frame. */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;
const API_VERSIONS_KEY = 18;

export interface KafkaBrokerOptions {
  /** Topics that exist from the start (the template's). */
  readonly topics?: readonly TopicSpec[];
  /** Partitions of a topic created by Metadata or by CreateTopics without a count. */
  readonly defaultPartitions?: number;
  readonly autoCreateTopics?: boolean;
  readonly log?: (line: string) => void;
}

const isLoopback = (address: string | undefined) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/**
 * A single-node Kafka broker speaking the wire protocol on loopback: enough of it for kafkajs and
 * librdkafka (kcat) to produce, consume and run consumer groups. Everything is in memory. Each connection's
 * requests are answered one at a time and in order, as Kafka does; a Fetch waiting for records therefore
 * holds back only its own connection.
 */
export class KafkaBroker {
  readonly store: TopicStore;
  readonly groups = new GroupCoordinator();
  private readonly apis = new Map<number, KafkaApi>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private closing = false;
  private listening = { host: '127.0.0.1', port: 0 };

  constructor(private readonly options: KafkaBrokerOptions = {}) {
    this.store = new TopicStore(options.defaultPartitions ?? 1);
    for (const topic of options.topics ?? []) this.store.create(topic);
    const apis: KafkaApi[] = [
      produceApi,
      fetchApi,
      listOffsetsApi,
      metadataApi,
      offsetCommitApi,
      offsetFetchApi,
      findCoordinatorApi,
      joinGroupApi,
      heartbeatApi,
      leaveGroupApi,
      syncGroupApi,
      createTopicsApi,
    ];
    apis.push(apiVersionsApi(() => [...this.apis.values()]));
    for (const api of apis) this.apis.set(api.key, api);
  }

  /** `host:port` for a client's bootstrap list. */
  get bootstrap(): string {
    return `${this.listening.host}:${this.listening.port}`;
  }

  async listen(port: number, host: '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.listening = { host, port: typeof address === 'object' && address ? address.port : port };
    return this.listening.port;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.store.wakeAll();
    this.groups.close();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    // The listener is bound to loopback already; this keeps a misconfigured bind from serving a network.
    if (!isLoopback(socket.remoteAddress)) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // Chunks are joined only once a whole frame is there: joining on every chunk copied a large Produce
    // request once per socket read.
    let chunks: Buffer[] = [];
    let buffered = 0;
    let queue = Promise.resolve();
    const drop = (why: string) => {
      this.options.log?.(
        `kafka: closing connection from ${socket.remoteAddress}:${socket.remotePort}: ${why}`,
      );
      socket.destroy();
    };
    const joined = (): Buffer => {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, buffered)];
      return chunks[0] as Buffer;
    };
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      buffered += chunk.length;
      while (buffered >= 4) {
        const size =
          (chunks[0] as Buffer).length >= 4 ? (chunks[0] as Buffer).readInt32BE(0) : joined().readInt32BE(0);
        // The smallest header is api key, version and correlation id: 8 bytes.
        if (size < 8 || size > MAX_FRAME_BYTES) {
          drop(`invalid frame size ${size}`);
          chunks = [];
          buffered = 0;
          return;
        }
        if (buffered < 4 + size) break;
        const pending = joined();
        const frame = pending.subarray(4, 4 + size);
        const rest = pending.subarray(4 + size);
        chunks = rest.length > 0 ? [rest] : [];
        buffered = rest.length;
        queue = queue.then(() => this.answer(socket, frame).catch((error: unknown) => drop(describe(error))));
      }
    });
  }

  private async answer(socket: Socket, frame: Buffer): Promise<void> {
    if (socket.destroyed) return;
    const request = new Reader(frame);
    const apiKey = request.int16();
    const version = request.int16();
    const correlationId = request.int32();
    const api = this.apis.get(apiKey);
    const send = (body: Writer) => {
      const header = Buffer.allocUnsafe(8);
      header.writeInt32BE(4 + body.size, 0);
      header.writeInt32BE(correlationId, 4);
      // One copy of the answer: header and body parts joined at once.
      if (!socket.destroyed) socket.write(Buffer.concat([header, ...body.parts()], 8 + body.size));
    };
    if (!api || version < api.minVersion || version > api.maxVersion) {
      const body = new Writer();
      if (apiKey === API_VERSIONS_KEY) {
        // Kafka's rule for ApiVersions: a v0 body with the error and the versions this broker speaks.
        writeApiVersions(body, KafkaErrorCode.UNSUPPORTED_VERSION, [...this.apis.values()], 0);
        send(body);
        return;
      }
      // Kafka closes the connection on a request it cannot parse; the error code goes first so that the
      // client sees why, in the one field every ApiVersions-shaped answer starts with.
      send(body.int16(KafkaErrorCode.UNSUPPORTED_VERSION));
      socket.end();
      this.options.log?.(`kafka: unsupported request: api ${apiKey} v${version}`);
      return;
    }
    const clientId = request.nullableString() ?? '';
    let answered = true;
    const context: BrokerContext = {
      skipResponse: () => {
        answered = false;
      },
      store: this.store,
      groups: this.groups,
      nodeId: 0,
      host: this.listening.host,
      port: this.listening.port,
      clusterId: 'orderflow-local',
      autoCreateTopics: this.options.autoCreateTopics ?? true,
      clientId,
      closing: () => this.closing,
    };
    const body = new Writer();
    await api.handle(version, request, body, context);
    if (answered) send(body);
  }
}

function describe(error: unknown): string {
  if (error instanceof MalformedRequestError) return `malformed request: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
