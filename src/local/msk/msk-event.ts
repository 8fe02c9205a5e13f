import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { KafkaMessage } from 'kafkajs';
import { LOCAL_ACCOUNT_ID } from '../template-arns';
import type { KafkaMapping } from './msk-mappings';

/** Records of one partition, in offset order, as the event source fetched them. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
}

/** kafkajs gives a repeated header as an array; Lambda gives one `{name: bytes}` entry per value. */
function headersOf(message: KafkaMessage): MSKRecord['headers'] {
  return Object.entries(message.headers ?? {}).flatMap(([name, value]) => {
    const values = Array.isArray(value) ? value : [value];
    return values
      .filter((one): one is Buffer | string => one !== undefined)
      .map((one) => ({ [name]: [...(typeof one === 'string' ? Buffer.from(one) : one)] }));
  });
}

/** One record as Lambda's MSK event source hands it over: key and value base64, headers as byte arrays. */
function toRecord(topic: string, partition: number, message: KafkaMessage): MSKRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    // The local broker keeps the producer's timestamps (topics default to CreateTime, as on MSK).
    timestampType: 'CREATE_TIME',
    // A null key or value (a tombstone) is left out, as Lambda does.
    ...(message.key ? { key: message.key.toString('base64') } : {}),
    ...(message.value ? { value: message.value.toString('base64') } : {}),
    headers: headersOf(message),
  } as MSKRecord;
}

/** Lambda's MSK event: records grouped under `<topic>-<partition>`. */
export function mskEvent(mapping: KafkaMapping, bootstrapServers: string, batch: PartitionBatch): MSKEvent {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: mapping.eventSourceArn,
    bootstrapServers,
    records: {
      [`${batch.topic}-${batch.partition}`]: batch.messages.map((message) =>
        toRecord(batch.topic, batch.partition, message),
      ),
    },
  };
}

/**
 * What Lambda sends to a Kafka event source's SQS or SNS on-failure destination: where the batch was
 * (topic-partition, offsets, timestamps), not the records, which stay on the topic for replay.
 */
export function kafkaFailureRecord(
  mapping: KafkaMapping,
  bootstrapServers: string,
  batch: PartitionBatch,
  failure: { readonly error: string; readonly invokeCount: number; readonly region: string },
  now = new Date(),
) {
  const first = batch.messages[0];
  const last = batch.messages[batch.messages.length - 1];
  const payloadSize = batch.messages.reduce(
    (sum, message) => sum + (message.key?.length ?? 0) + (message.value?.length ?? 0),
    0,
  );
  return {
    requestContext: {
      requestId: `${mapping.logicalId}-${batch.topic}-${batch.partition}-${first?.offset ?? ''}`,
      functionArn: `arn:aws:lambda:${failure.region}:${LOCAL_ACCOUNT_ID}:function:${mapping.functionName}`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: failure.invokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: now.toISOString(),
    KafkaBatchInfo: {
      batchSize: batch.messages.length,
      eventSourceArn: mapping.eventSourceArn,
      bootstrapServers,
      payloadSize,
      recordsInfo: {
        [`${batch.topic}-${batch.partition}`]: {
          firstRecordOffset: first?.offset,
          lastRecordOffset: last?.offset,
          firstRecordTimestamp: first ? new Date(Number(first.timestamp)).toISOString() : undefined,
          lastRecordTimestamp: last ? new Date(Number(last.timestamp)).toISOString() : undefined,
        },
      },
    },
    error: failure.error,
  };
}
