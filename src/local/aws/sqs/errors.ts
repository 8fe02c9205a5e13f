import { AwsServiceError, type AwsResponse } from '../protocol';

/**
 * SQS speaks AWS JSON 1.0 with the `awsQueryCompatible` trait: the body names the modelled error
 * shape (`com.amazonaws.sqs#QueueDoesNotExist`) and the `x-amzn-query-error` header carries the
 * old query-protocol code (`AWS.SimpleQueueService.NonExistentQueue;Sender`). SDK v3 and botocore
 * both read the header first and map it back to the modelled exception, so both must be right.
 * Codes and statuses below are the `awsQueryError` traits of the SQS Smithy model.
 */
const MODELLED: Readonly<Record<string, readonly [queryCode: string, status: number]>> = {
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidAddress: ['InvalidAddress', 404],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  OverLimit: ['OverLimit', 403],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
};

/** Errors that are not modelled shapes but that SQS returns under their query code. */
type UnmodelledCode =
  'MissingParameter' | 'InvalidParameterValue' | 'UnknownOperationException' | 'SerializationException';

export type SqsErrorCode = keyof typeof MODELLED | UnmodelledCode;

const CORAL_CODES = new Set(['UnknownOperationException', 'SerializationException']);

export class SqsError extends AwsServiceError {
  readonly queryCode: string;

  constructor(code: SqsErrorCode, message: string) {
    const modelled = MODELLED[code];
    super(code, message, modelled?.[1] ?? 400);
    this.queryCode = modelled?.[0] ?? code;
  }
}

export const queueDoesNotExist = (): SqsError =>
  new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');

export const missingParameter = (name: string): SqsError =>
  new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);

export const invalidParameter = (name: string, value: unknown, reason: string): SqsError =>
  new SqsError(
    'InvalidParameterValue',
    `Value ${typeof value === 'string' ? value : JSON.stringify(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );

/** Renders any service error in the shape a real SQS JSON endpoint uses. */
export const sqsErrorResponse = (error: AwsServiceError): AwsResponse => {
  const queryCode = error instanceof SqsError ? error.queryCode : error.code;
  const fault = error.status >= 500 ? 'Receiver' : 'Sender';
  const namespace = CORAL_CODES.has(error.code) ? 'com.amazon.coral.service' : 'com.amazonaws.sqs';
  return {
    status: error.status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${queryCode};${fault}`,
    },
    body: JSON.stringify({ __type: `${namespace}#${error.code}`, message: error.message }),
  };
};
