import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { traced } from './tracing';

// One client per container (traced); region, credentials and endpoint come from the environment.
let eventBridge: EventBridgeClient | undefined;
let sns: SNSClient | undefined;

export const eventBridgeClient = (): EventBridgeClient => (eventBridge ??= traced(new EventBridgeClient({})));
export const snsClient = (): SNSClient => (sns ??= traced(new SNSClient({})));
