import { EventBridgeService } from '../../../../src/local/aws/eventbridge';
import { OPERATIONS as EVENTBRIDGE_OPERATIONS } from '../../../../src/local/aws/eventbridge/operations';
import {
  AwsServiceError,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from '../../../../src/local/aws/protocol';
import { SnsService, SNS_ACTIONS } from '../../../../src/local/aws/sns';
import { OPERATIONS as SNS_OPERATIONS } from '../../../../src/local/aws/sns/operations';
import { SqsService } from '../../../../src/local/aws/sqs';
import { OPERATIONS as SQS_OPERATIONS } from '../../../../src/local/aws/sqs/operations';
import { StepFunctionsService } from '../../../../src/local/aws/stepfunctions';
import { OPERATIONS as STEP_FUNCTIONS_OPERATIONS } from '../../../../src/local/aws/stepfunctions/operations';
import { TargetDispatcher } from '../../../../src/local/targets';

// Each offline AWS service answers exactly the operations of its one table (operations.ts): adding an
// operation there is the whole of wiring it up, and nothing else lists operation names.

const request = (operation: string, body = '{}'): AwsRequest => ({
  operation,
  headers: { host: '127.0.0.1:4566' },
  body: Buffer.from(body),
});

/** The error code of a JSON-protocol answer, or undefined for a success. */
const jsonErrorCode = (response: AwsResponse): string | undefined =>
  response.status >= 400
    ? (JSON.parse(String(response.body)) as { __type: string }).__type.replace(/^.*#/, '')
    : undefined;

interface JsonService {
  readonly label: string;
  readonly make: () => LocalAwsService;
  readonly table: Readonly<Record<string, unknown>>;
  /** The headers of an UnknownOperationException answer in the service's protocol. */
  readonly errorHeaders: Readonly<Record<string, string>>;
}

const region = 'eu-west-1';
const unusedInvoker = {
  invoke: () => Promise.reject(new TypeError('no function is invoked by these tests')),
} as unknown as ConstructorParameters<typeof StepFunctionsService>[0]['invoker'];

const JSON_SERVICES: readonly JsonService[] = [
  {
    label: 'SQS',
    make: () => new SqsService({ region }),
    table: SQS_OPERATIONS,
    // SQS's JSON protocol carries the query-protocol code alongside, as the SDK expects of SQS.
    errorHeaders: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': 'UnknownOperationException;Sender',
    },
  },
  {
    label: 'EventBridge',
    make: () => new EventBridgeService({ region, dispatcher: new TargetDispatcher() }),
    table: EVENTBRIDGE_OPERATIONS,
    errorHeaders: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': 'UnknownOperationException',
    },
  },
  {
    label: 'Step Functions',
    make: () =>
      new StepFunctionsService({ region, dispatcher: new TargetDispatcher(), invoker: unusedInvoker }),
    table: STEP_FUNCTIONS_OPERATIONS,
    errorHeaders: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'UnknownOperationException',
    },
  },
];

describe.each(JSON_SERVICES)('the $label operations table', ({ make, table, errorHeaders }) => {
  let service: LocalAwsService;
  beforeEach(() => {
    service = make();
  });
  afterEach(() => service.close?.());

  it('maps every wire name to one function', () => {
    expect(Object.keys(table).length).toBeGreaterThan(10);
    for (const [name, operation] of Object.entries(table)) {
      expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(typeof operation).toBe('function');
    }
  });

  it('is what the service answers: each operation in it is dispatched (success or its own validation error)', async () => {
    for (const name of Object.keys(table)) {
      const response = await service.handle(request(name));
      expect([name, jsonErrorCode(response)]).not.toEqual([name, 'UnknownOperationException']);
    }
  });

  it.each(['DescribeEverything', '', 'toString', 'constructor', 'hasOwnProperty'])(
    'answers an operation not in the table (%p) with the AWS error shape',
    async (name) => {
      const response = await service.handle(request(name));
      expect(response.status).toBe(400);
      expect(response.headers).toEqual(errorHeaders);
      expect(jsonErrorCode(response)).toBe('UnknownOperationException');
      expect(JSON.parse(String(response.body))).toEqual({
        __type: expect.stringMatching(/^(.*#)?UnknownOperationException$/),
        message: expect.stringContaining(`Operation ${name || '(none)'} is not supported by the local`),
      });
    },
  );
});

describe('the SNS operations table', () => {
  let service: SnsService;
  beforeEach(() => {
    service = new SnsService({ region, dispatcher: new TargetDispatcher() });
  });
  afterEach(() => service.close());

  it('is the one list of actions the endpoint routes to SNS', () => {
    expect([...SNS_ACTIONS].sort()).toEqual(Object.keys(SNS_OPERATIONS).sort());
    expect(service.queryActions).toBe(SNS_ACTIONS);
    expect(SNS_ACTIONS.size).toBeGreaterThan(10);
  });

  it('dispatches each action in it (success or its own validation error)', async () => {
    for (const action of SNS_ACTIONS) {
      const outcome = await service.handle(request(action, '')).catch((error: unknown) => error);
      if (outcome instanceof AwsServiceError)
        expect([action, outcome.code]).not.toEqual([action, 'InvalidAction']);
      else expect(outcome).toMatchObject({ status: 200, headers: { 'content-type': 'text/xml' } });
    }
  });

  it.each(['DescribeEverything', 'toString', 'constructor'])(
    'refuses an action not in it (%p) with InvalidAction, which the endpoint renders as an XML error',
    async (action) => {
      await expect(service.handle(request(action, ''))).rejects.toMatchObject({
        code: 'InvalidAction',
        status: 400,
        message: `The action ${action} is not valid for this endpoint.`,
      });
    },
  );
});
