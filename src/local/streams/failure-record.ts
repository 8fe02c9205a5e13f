import type { FailedBatch } from './stream-poller';

/**
 * What Lambda sends to a stream event source's on-failure destination: where the batch was, not the
 * records themselves (they stay in the stream for the retention period).
 */
export const streamFailureRecord = (batch: FailedBatch, region: string, now = new Date()) => {
  const first = batch.records[0];
  const last = batch.records[batch.records.length - 1];
  return {
    requestContext: {
      requestId: `${first?.eventID ?? ''}-failure`,
      functionArn: `arn:aws:lambda:${region}:000000000000:function:${batch.mapping.functionName}`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: batch.mapping.maximumRetryAttempts + 1,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: 'shardId-00000000000000000000-local',
      startSequenceNumber: first?.dynamodb.SequenceNumber,
      endSequenceNumber: last?.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: new Date(
        (first?.dynamodb.ApproximateCreationDateTime ?? 0) * 1000,
      ).toISOString(),
      approximateArrivalOfLastRecord: new Date(
        (last?.dynamodb.ApproximateCreationDateTime ?? 0) * 1000,
      ).toISOString(),
      batchSize: batch.records.length,
      streamArn: first?.eventSourceARN,
    },
    error: batch.error,
  };
};
