import { sfnClient } from '../../adapters/clients-sfn';
import { SagaClient } from '../../adapters/stepfunctions/saga-client';
import { setting } from '../../config';
import { once } from './once';

/** The order saga's state machine (Step Functions client): see stores.ts for why this is a module of its own. */
export const sagaClient = once(() => new SagaClient(sfnClient(), setting('STATE_MACHINE_ARN')));
