export { StepFunctionsService, type StepFunctionsServiceOptions } from './service';
export type { LambdaInvokerLike, ServiceIntegration, IntegrationCall } from './integrations';
export type { HistoryEvent } from './history';
export type { ExecutionRecord, ExecutionStatus, StateMachineRecord } from './model';
export { InvalidDefinitionError } from './errors';
export { queueArnOf } from './integrations';
export { dynamoDbIntegrations } from './dynamodb';
