import { SNSClient } from '@aws-sdk/client-sns';
import { traced } from './tracing';

// One module per SDK client (see clients-eventbridge.ts).
let sns: SNSClient | undefined;
/** One client per container (traced); region, credentials and endpoint come from the environment. */
export const snsClient = (): SNSClient => (sns ??= traced(new SNSClient({})));
