/**
 * The local Amazon SQS: an in-memory queue service behind the shared AWS endpoint (AWS JSON 1.0,
 * `X-Amz-Target: AmazonSQS.<Op>`), with an in-process API for the rest of the offline runtime.
 * The pieces live in ./sqs/: queue model (queue.ts), FIFO rules (fifo.ts), message validation and
 * digests (message.ts, md5.ts), queue attributes (attributes.ts), DLQ redrive tasks
 * (move-tasks.ts), the wire operations (operations.ts) and the service (service.ts).
 */
export {
  SqsService,
  type QueueMessageInput,
  type ReceiveFromQueueOptions,
  type ReceivedMessage,
  type SentMessage,
  type SqsMessageAttributeValue,
  type SqsServiceOptions,
} from './service';
export { SqsError, type SqsErrorCode } from './errors';
export { md5OfMessageAttributes } from './md5';
