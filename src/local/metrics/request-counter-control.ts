import {
  AwsServiceError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from '../aws/protocol';
import type { RequestCounter } from './request-counter';

const OPERATIONS = new Set(['GetRequestCounts', 'ResetRequestCounts']);

/**
 * The counters' part of the local control API, on the same endpoint as the AWS services and beside
 * the fault controls (`X-Amz-Target: OrderflowLocal.<Op>`): GetRequestCounts returns the counts since
 * the last reset; ResetRequestCounts returns them and starts afresh. Its own requests are not counted.
 */
export class RequestCounterControlService implements LocalAwsService {
  readonly name = 'orderflow-local-metrics';
  readonly jsonTargetPrefix = 'OrderflowLocal';
  readonly jsonOperations: ReadonlySet<string> = OPERATIONS;

  constructor(private readonly counter: RequestCounter) {}

  async handle(request: AwsRequest): Promise<AwsResponse> {
    switch (request.operation) {
      case 'GetRequestCounts':
        return jsonResponse(this.counter.snapshot());
      case 'ResetRequestCounts':
        return jsonResponse(this.counter.reset());
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `OrderflowLocal has no operation ${request.operation}`,
        );
    }
  }
}
