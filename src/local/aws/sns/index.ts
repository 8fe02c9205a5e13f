export {
  SnsService,
  SNS_ACTIONS,
  type PublishInput,
  type PublishResult,
  type SnsDeliveryFailure,
  type SnsRetryPolicy,
  type SnsServiceOptions,
} from './service';
export type { MessageAttributeValue, MessageAttributes } from './message';
