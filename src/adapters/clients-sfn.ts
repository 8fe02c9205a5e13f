import { SFNClient } from '@aws-sdk/client-sfn';
import { traced } from './tracing';

let sfn: SFNClient | undefined;
/** One client per container (traced); endpoint and credentials from the environment. */
export const sfnClient = (): SFNClient => (sfn ??= traced(new SFNClient({})));
