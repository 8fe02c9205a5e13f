import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { traced } from './tracing';

// One module per SDK client (see clients-eventbridge.ts).
let sagemaker: SageMakerRuntimeClient | undefined;
/** One client per container (traced); region, credentials and endpoint come from the environment. */
export const sageMakerRuntimeClient = (): SageMakerRuntimeClient =>
  (sagemaker ??= traced(new SageMakerRuntimeClient({})));
