export {
  EventBridgeService,
  DEFAULT_RETRY_POLICY,
  type EventBridgeServiceOptions,
  type EventDeliveryFailure,
  type ServiceEventInput,
} from './service';
export type { ArchivedEvent, EventEnvelope, RuleTarget } from './model';
export type { PutEventsEntryInput, EntryResult } from './put-events';
export { PUT_EVENTS_LIMITS } from './put-events';
export type { RetryDelay } from '../shared/pending';
