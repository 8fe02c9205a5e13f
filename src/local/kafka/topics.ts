import type { CfnTemplate } from '../template';
import type { TopicSpec } from './log';

/** Partitions of a topic the template does not size. */
export const LOCAL_DEFAULT_PARTITIONS = 3;

/**
 * The topics the broker starts with, from the compiled template: every topic an `msk` event source mapping
 * reads, and every topic a function produces to (`KAFKA_TOPIC`, sized by `KAFKA_TOPIC_PARTITIONS`), as the
 * producer would create it in the cloud. Anything else a client names is created on first use.
 */
export function kafkaTopicsFromTemplate(template: CfnTemplate): TopicSpec[] {
  const topics = new Map<string, number>();
  for (const resource of Object.values(template.Resources)) {
    const properties = (resource.Properties ?? {}) as {
      Topics?: unknown;
      Environment?: { Variables?: Record<string, unknown> };
    };
    if (resource.Type === 'AWS::Lambda::EventSourceMapping' && Array.isArray(properties.Topics)) {
      for (const topic of properties.Topics) {
        if (typeof topic === 'string' && !topics.has(topic)) topics.set(topic, LOCAL_DEFAULT_PARTITIONS);
      }
    }
    const variables = properties.Environment?.Variables;
    if (resource.Type === 'AWS::Lambda::Function' && typeof variables?.KAFKA_TOPIC === 'string') {
      const partitions = Number(variables.KAFKA_TOPIC_PARTITIONS);
      topics.set(
        variables.KAFKA_TOPIC,
        Number.isInteger(partitions) && partitions > 0 ? partitions : LOCAL_DEFAULT_PARTITIONS,
      );
    }
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}
