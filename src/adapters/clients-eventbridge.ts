import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { traced } from './tracing';

// One module per SDK client: a bundle requires every SDK package its modules import, used or not (the
// SDK is external, so the bundler cannot drop the require), and each client costs tens of ms to load.
let eventBridge: EventBridgeClient | undefined;
/** One client per container (traced); region, credentials and endpoint come from the environment. */
export const eventBridgeClient = (): EventBridgeClient => (eventBridge ??= traced(new EventBridgeClient({})));
