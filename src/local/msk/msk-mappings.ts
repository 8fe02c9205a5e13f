import { resolveArn } from '../template-arns';
import { referencedName } from '../template-refs';
import { resourcesOfType, type CfnTemplate } from '../template';

/** An Amazon MSK → Lambda event source mapping, as the compiled template declares it. */
export interface KafkaMapping {
  readonly logicalId: string;
  readonly functionName: string;
  readonly eventSourceArn: string;
  readonly topic: string;
  /** Lambda's default for Kafka sources is 100 records. */
  readonly batchSize: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** The group whose committed offsets say where the mapping is; Lambda uses the mapping's UUID when unset. */
  readonly consumerGroupId: string;
  /** How long Lambda gathers records before it invokes with a batch smaller than batchSize. */
  readonly maximumBatchingWindowMs: number;
  /** -1: retry until the function succeeds (the partition waits behind the failing batch). */
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly onFailureDestination?: string;
  readonly enabled: boolean;
}

/** Lambda's MSK batching window when the mapping sets none (the Lambda API reference; not 0). */
export const DEFAULT_KAFKA_BATCHING_WINDOW_MS = 500;
/** With infinite retries and an on-failure destination, Lambda caps the retries at ten. */
export const RETRIES_WITH_DESTINATION = 10;

const KAFKA_CLUSTER_TYPES = new Set(['AWS::MSK::ServerlessCluster', 'AWS::MSK::Cluster']);

interface MappingProperties {
  readonly EventSourceArn?: unknown;
  readonly FunctionName?: unknown;
  readonly Topics?: unknown;
  readonly BatchSize?: unknown;
  readonly StartingPosition?: unknown;
  readonly MaximumBatchingWindowInSeconds?: unknown;
  readonly MaximumRetryAttempts?: unknown;
  readonly BisectBatchOnFunctionError?: unknown;
  readonly AmazonManagedKafkaEventSourceConfig?: { ConsumerGroupId?: unknown };
  readonly DestinationConfig?: { OnFailure?: { Destination?: unknown } };
  readonly Enabled?: unknown;
}

const isKafkaSource = (template: CfnTemplate, arn: unknown): boolean => {
  if (typeof arn === 'string') return arn.startsWith('arn:aws:kafka:');
  const ref = (arn as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' && KAFKA_CLUSTER_TYPES.has(template.Resources[ref]?.Type ?? '');
};

export function kafkaMappingsFromTemplate(template: CfnTemplate, region: string): KafkaMapping[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([logicalId, resource]) => {
    const p = (resource.Properties ?? {}) as MappingProperties;
    if (!isKafkaSource(template, p.EventSourceArn) || !Array.isArray(p.Topics)) return [];
    const destination = p.DestinationConfig?.OnFailure?.Destination;
    const onFailureDestination =
      destination === undefined ? undefined : resolveArn(template, destination, region);
    const retries = typeof p.MaximumRetryAttempts === 'number' ? p.MaximumRetryAttempts : -1;
    const groupId = p.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId;
    return p.Topics.filter((topic): topic is string => typeof topic === 'string').map((topic) => ({
      logicalId,
      functionName: referencedName(template, p.FunctionName, 'FunctionName'),
      eventSourceArn: resolveArn(template, p.EventSourceArn, region),
      topic,
      batchSize: typeof p.BatchSize === 'number' ? p.BatchSize : 100,
      startingPosition: p.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
      consumerGroupId: typeof groupId === 'string' ? groupId : `lambda-${logicalId}`,
      maximumBatchingWindowMs:
        typeof p.MaximumBatchingWindowInSeconds === 'number'
          ? p.MaximumBatchingWindowInSeconds * 1000
          : DEFAULT_KAFKA_BATCHING_WINDOW_MS,
      maximumRetryAttempts:
        retries < 0 && onFailureDestination !== undefined ? RETRIES_WITH_DESTINATION : retries,
      bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
      onFailureDestination,
      enabled: p.Enabled !== false,
    }));
  });
}
