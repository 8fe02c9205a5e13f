/*
 * The X-Ray tracer costs nothing where tracing is off: its module (and the X-Ray SDK under it) is never
 * loaded. Where it is on, a real handler still produces its X-Ray subsegment with the orderId annotation,
 * and its DynamoDB call its own subsegment. The handler runs against a stand-in DynamoDB endpoint, and
 * the segments are read where the X-Ray daemon would get them: UDP datagrams on AWS_XRAY_DAEMON_ADDRESS.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { isTracingEnabled } from '../../../src/adapters/tracing';

const ORDER_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const CUSTOMER = 'cust-tracing';
const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const HANDLER = 'src/handlers/orders/get-order.handler';
const XRAY_MODULE = 'aws-xray-sdk-core';
const TRACER_MODULE = '../../../src/adapters/tracing-xray';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const getOrderEvent = {
  routeKey: 'GET /orders/{orderId}',
  rawPath: `/orders/${ORDER_ID}`,
  headers: {},
  isBase64Encoded: false,
  pathParameters: { orderId: ORDER_ID },
  requestContext: { authorizer: { jwt: { claims: { sub: CUSTOMER }, scopes: [] } } },
} as unknown as APIGatewayProxyEventV2;

const context = {
  functionName: 'orderflow-test-getOrder',
  awsRequestId: 'req-tracing',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orderflow-test-getOrder',
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** The order's view as the read model stores it (the handler decodes it: every field is needed). */
const VIEW_ITEM = {
  orderId: { S: ORDER_ID },
  customerId: { S: CUSTOMER },
  status: { S: 'PENDING' },
  items: { L: [{ M: { sku: { S: 'SKU-1' }, quantity: { N: '1' }, unitPrice: { N: '1250' } } }] },
  total: { N: '1250' },
  currency: { S: 'EUR' },
  createdAt: { S: '2026-11-26T09:30:00.000Z' },
  updatedAt: { S: '2026-11-26T09:30:00.000Z' },
  version: { N: '1' },
  placedAt: { S: '2026-11-26T09:30:00.000Z' },
};

/** A DynamoDB endpoint that answers every GetItem with the order's view. */
async function startDynamoDb(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ Item: VIEW_ITEM }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface TraceDocument {
  name?: string;
  annotations?: Record<string, unknown>;
  aws?: Record<string, unknown>;
  subsegments?: TraceDocument[];
}

/** The X-Ray daemon's side: every segment document sent to it, subsegments flattened out. */
async function startDaemon(): Promise<{ socket: Socket; address: string; documents: TraceDocument[] }> {
  const socket = createSocket('udp4');
  const documents: TraceDocument[] = [];
  const flatten = (document: TraceDocument): TraceDocument[] => [
    document,
    ...(document.subsegments ?? []).flatMap(flatten),
  ];
  socket.on('message', (message) => {
    // Each datagram is a header line, then one segment document.
    const body = message.toString().split('\n').slice(1).join('\n');
    documents.push(...flatten(JSON.parse(body) as TraceDocument));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, address: `127.0.0.1:${socket.address().port}`, documents };
}

/** Resolves once `accept` holds for `documents` (checked as datagrams arrive), else fails after a generous wait. */
async function documentsWhere(
  documents: TraceDocument[],
  accept: (all: TraceDocument[]) => boolean,
): Promise<TraceDocument[]> {
  const deadline = Date.now() + 30_000;
  while (!accept(documents)) {
    if (Date.now() > deadline) throw new RangeError(`no such segments; got ${JSON.stringify(documents)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return documents;
}

/**
 * The real getOrder handler, loaded afresh under `env` (the tracer decides once per container), with
 * every load of the tracer module or the X-Ray SDK recorded in `loaded`.
 */
function loadGetOrder(env: Record<string, string>): { handler: Handler; loaded: string[] } {
  const loaded: string[] = [];
  let handler: Handler | undefined;
  Object.assign(process.env, env);
  jest.isolateModules(() => {
    for (const name of [XRAY_MODULE, TRACER_MODULE]) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    ({ handler } = jest.requireActual<{ handler: Handler }>('../../../src/handlers/orders/get-order'));
  });
  if (!handler) throw new TypeError('getOrder did not load');
  return { handler, loaded };
}

/** Runs the handler with its log and EMF lines kept off the test output. */
async function invokeQuietly(handler: Handler): Promise<APIGatewayProxyStructuredResultV2> {
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return await handler(getOrderEvent, context);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const savedEnv = { ...process.env };
let dynamoDb: { server: Server; url: string };

beforeAll(async () => {
  dynamoDb = await startDynamoDb();
});
afterAll(async () => {
  await new Promise((resolve) => dynamoDb.server.close(resolve));
});
// Whatever the shell running the tests says about tracing, each test starts from "no Lambda runtime".
const TRACING_VARIABLES = [
  'AWS_EXECUTION_ENV',
  'POWERTOOLS_TRACE_ENABLED',
  'AWS_SAM_LOCAL',
  'LAMBDA_TASK_ROOT',
];
beforeEach(() => {
  process.env = {
    ...Object.fromEntries(Object.entries(savedEnv).filter(([name]) => !TRACING_VARIABLES.includes(name))),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL: dynamoDb.url,
    READ_MODEL_TABLE: 'orderflow-test-read-model',
  };
});
afterEach(() => {
  process.env = { ...savedEnv };
  jest.resetModules();
});

describe('the switch is Powertools Tracer’s own rule', () => {
  const LAMBDA = 'AWS_Lambda_nodejs20.x';
  it.each<[string, Record<string, string>, boolean]>([
    ['no Lambda runtime (offline workers, invoke local, jest)', {}, false],
    ['a Lambda runtime', { AWS_EXECUTION_ENV: LAMBDA }, true],
    ['a blank AWS_EXECUTION_ENV', { AWS_EXECUTION_ENV: '  ' }, false],
    [
      'POWERTOOLS_TRACE_ENABLED=false',
      { AWS_EXECUTION_ENV: LAMBDA, POWERTOOLS_TRACE_ENABLED: 'false' },
      false,
    ],
    [
      'POWERTOOLS_TRACE_ENABLED= FALSE ',
      { AWS_EXECUTION_ENV: LAMBDA, POWERTOOLS_TRACE_ENABLED: ' FALSE ' },
      false,
    ],
    ['POWERTOOLS_TRACE_ENABLED=true', { AWS_EXECUTION_ENV: LAMBDA, POWERTOOLS_TRACE_ENABLED: 'true' }, true],
    ['SAM local', { AWS_EXECUTION_ENV: LAMBDA, AWS_SAM_LOCAL: 'true' }, false],
    ['the Amplify mock', { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
  ])('%s', (_name, env, enabled) => {
    Object.assign(process.env, env);
    let powertools: boolean | undefined;
    jest.isolateModules(() => {
      const { Tracer } = jest.requireActual<typeof import('@aws-lambda-powertools/tracer')>(
        '@aws-lambda-powertools/tracer',
      );
      // captureHTTPsRequests off: an enabled tracer would otherwise patch node:http for the whole worker.
      powertools = new Tracer({ captureHTTPsRequests: false }).isTracingEnabled();
    });
    expect({ ours: isTracingEnabled(), powertools }).toEqual({ ours: enabled, powertools: enabled });
  });
});

describe('tracing off: the X-Ray SDK is never loaded', () => {
  it.each([
    ['offline, where no Lambda runtime sets AWS_EXECUTION_ENV', {}],
    [
      'on Lambda with POWERTOOLS_TRACE_ENABLED=false',
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x', POWERTOOLS_TRACE_ENABLED: 'false' },
    ],
  ])('%s: a cold start and an invocation load neither the tracer nor the SDK', async (_name, env) => {
    const { handler, loaded } = loadGetOrder(env);
    const response = await invokeQuietly(handler);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ orderId: ORDER_ID });
    expect(loaded).toEqual([]);
  });
});

describe('tracing on (a Lambda runtime with active tracing)', () => {
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  beforeEach(async () => {
    daemon = await startDaemon();
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => daemon.socket.close(resolve));
  });

  it('the handler subsegment carries the orderId annotation, and the DynamoDB call has its own subsegment', async () => {
    const { handler, loaded } = loadGetOrder({
      // As the Lambda runtime sets them.
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: '/var/task',
      _HANDLER: HANDLER,
      _X_AMZN_TRACE_ID: TRACE_HEADER,
      AWS_XRAY_DAEMON_ADDRESS: daemon.address,
      // Powertools would also patch node:http globally, for every later test of this worker.
      POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
    });
    const response = await invokeQuietly(handler);
    expect(response.statusCode).toBe(200);
    expect(loaded).toEqual(expect.arrayContaining([TRACER_MODULE, XRAY_MODULE]));

    const documents = await documentsWhere(
      daemon.documents,
      (all) =>
        all.some((d) => d.name === `## ${HANDLER}` && d.annotations?.orderId === ORDER_ID) &&
        all.some((d) => d.name === 'DynamoDB' && d.aws?.operation === 'GetItem'),
    );
    expect(documents.find((d) => d.name === `## ${HANDLER}`)?.annotations).toMatchObject({
      ColdStart: true,
      Service: 'orderflow',
      orderId: ORDER_ID,
    });
  });
});
