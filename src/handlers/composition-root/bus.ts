import { eventBridgeClient } from '../../adapters/clients-eventbridge';
import { EventPublisher } from '../../adapters/eventbridge/event-publisher';
import { setting } from '../../config';

let publisher: EventPublisher | undefined;

/**
 * The bus the outbox publishes to (EventBridge client; see stores.ts for why this is a module of its own);
 * `sourceOf` names each event type's source (the caller's table).
 */
export const eventPublisher = (sourceOf: (type: string) => string): EventPublisher =>
  (publisher ??= new EventPublisher(eventBridgeClient(), setting('EVENT_BUS_NAME'), sourceOf));
