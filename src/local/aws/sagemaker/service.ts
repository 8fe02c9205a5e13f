import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalyModel, scorePoint } from '../../../domain/analytics/anomaly-model';
import { fromWirePoint, ScoreRequest, toWireScore } from '../../../domain/analytics/anomaly-wire';
import { issuesFromDecodeErrors } from '../../../domain/shared/io-ts-issues';
import { PROJECT_ROOT, type CfnTemplate } from '../../template';
import type { AwsRequest, AwsResponse, LocalAwsService } from '../protocol';

/** `POST /endpoints/{EndpointName}/invocations`: InvokeEndpoint, the one operation served. */
const INVOKE_PATH = /^\/endpoints\/([^/]+)\/invocations$/;

export const SHIPPED_MODEL_PATH = join(PROJECT_ROOT, 'models', 'anomaly-model.json');

/** A SageMaker Runtime error in the restJson shape the SDK and the CLI read (code in x-amzn-errortype). */
const runtimeError = (status: number, code: string, body: Record<string, unknown>): AwsResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
  body: JSON.stringify(body),
});

export interface SageMakerRuntimeOptions {
  readonly region: string;
  /** Default '000000000000'. */
  readonly accountId?: string;
  /** Endpoint name → the model it serves. */
  readonly endpoints: ReadonlyMap<string, AnomalyModel>;
}

/** The shipped model file, decoded; a file that is not a model stops the runtime at start. */
export class ShippedModelError extends Error {
  override readonly name = 'ShippedModelError';
}

export const loadShippedModel = (path = SHIPPED_MODEL_PATH): AnomalyModel => {
  const decoded = AnomalyModel.decode(JSON.parse(readFileSync(path, 'utf8')));
  if (decoded._tag === 'Left') {
    throw new ShippedModelError(`${path} is not an anomaly model: run npm run analytics:train`);
  }
  return decoded.right;
};

/** The endpoints the stack names (its AnomalyEndpointName output), each serving the shipped model. */
export const modelEndpointsFromTemplate = (
  template: CfnTemplate,
  model: () => AnomalyModel = loadShippedModel,
): Map<string, AnomalyModel> => {
  const output = template.Outputs?.AnomalyEndpointName as { Value?: unknown } | undefined;
  return typeof output?.Value === 'string' ? new Map([[output.Value, model()]]) : new Map();
};

/**
 * Amazon SageMaker Runtime's InvokeEndpoint (restJson, routed by path), answering with the shipped
 * anomaly model scored through the domain code, so the scorer's adapter runs the same code path
 * offline as against a real endpoint. Errors are worded as SageMaker words them: an unknown endpoint
 * is a ValidationError, input the model refuses a ModelError carrying the model's own 4xx.
 */
export class SageMakerRuntimeService implements LocalAwsService {
  readonly name = 'sagemaker-runtime';
  private readonly accountId: string;

  constructor(private readonly options: SageMakerRuntimeOptions) {
    this.accountId = options.accountId ?? '000000000000';
  }

  restOperation(method: string, path: string): string | undefined {
    return method === 'POST' && INVOKE_PATH.test(path) ? 'InvokeEndpoint' : undefined;
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    const name = decodeURIComponent(INVOKE_PATH.exec(request.path ?? '')?.[1] ?? '');
    const model = this.options.endpoints.get(name);
    if (!model) {
      return runtimeError(400, 'ValidationError', {
        message: `Endpoint ${name} of account ${this.accountId} not found.`,
      });
    }
    const header = (key: string): string => {
      const value = request.headers[key];
      return (Array.isArray(value) ? value[0] : value) ?? '';
    };
    const modelRefused = (status: number, message: string): AwsResponse =>
      runtimeError(424, 'ModelError', {
        message:
          `Received client error (${status}) from primary with message "${message}". See ` +
          `https://${this.options.region}.console.aws.amazon.com/cloudwatch/home?region=${this.options.region}` +
          `#logEventViewer:group=/aws/sagemaker/Endpoints/${name} in account ${this.accountId} for more information.`,
        OriginalStatusCode: status,
        OriginalMessage: message,
        LogStreamArn: `arn:aws:logs:${this.options.region}:${this.accountId}:log-group:/aws/sagemaker/Endpoints/${name}`,
      });
    if (!header('content-type').startsWith('application/json')) {
      return modelRefused(415, `Content type ${header('content-type') || '(none)'} is not application/json`);
    }
    const accept = header('accept');
    if (accept !== '' && !/application\/json|\*\/\*/.test(accept)) {
      return modelRefused(406, `Accept ${accept} is not application/json`);
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return modelRefused(400, 'The body is not JSON');
    }
    const decoded = ScoreRequest.decode(body);
    if (decoded._tag === 'Left') {
      const issues = issuesFromDecodeErrors(decoded.left).map((issue) => `${issue.path} ${issue.message}`);
      return modelRefused(400, `Invalid request: ${issues.join('; ')}`);
    }
    const scores = decoded.right.minutes.map((point) => toWireScore(scorePoint(model, fromWirePoint(point))));
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-invoked-production-variant': 'AllTraffic' },
      body: JSON.stringify({ model: model.format, scores }),
    };
  }
}
