/**
 * The local Amazon SageMaker Runtime: InvokeEndpoint (restJson, `POST /endpoints/{name}/invocations`)
 * behind the shared AWS endpoint, serving the shipped anomaly model under the stack's endpoint name.
 */
export {
  loadShippedModel,
  modelEndpointsFromTemplate,
  SageMakerRuntimeService,
  SHIPPED_MODEL_PATH,
  ShippedModelError,
  type SageMakerRuntimeOptions,
} from './service';
