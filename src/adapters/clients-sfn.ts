import { SFNClient } from '@aws-sdk/client-sfn';

let sfn: SFNClient | undefined;
/** One client per container; endpoint and credentials from the environment. */
export const sfnClient = (): SFNClient => (sfn ??= new SFNClient({}));
