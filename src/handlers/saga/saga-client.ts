import { sfnClient } from '../../adapters/clients-sfn';
import { requiredEnv } from '../../adapters/env';
import { SagaClient } from '../../adapters/stepfunctions/saga-client';

let saga: SagaClient | undefined;
export const sagaClient = (): SagaClient =>
  (saga ??= new SagaClient(sfnClient(), requiredEnv('STATE_MACHINE_ARN')));
