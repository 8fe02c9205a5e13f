import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';

// One client per container; region, credentials and endpoint come from the environment.
let eventBridge: EventBridgeClient | undefined;
let sns: SNSClient | undefined;

export const eventBridgeClient = (): EventBridgeClient => (eventBridge ??= new EventBridgeClient({}));
export const snsClient = (): SNSClient => (sns ??= new SNSClient({}));
