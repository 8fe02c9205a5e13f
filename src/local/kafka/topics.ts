import type { CfnTemplate } from '../template';
import type { TopicSpec } from './log';

/** Partitions of a topic the template does not size; MSK Serverless topics are usually created with a few. */
export const LOCAL_DEFAULT_PARTITIONS = 3;

/**
 * The topics the broker starts with: every topic an `msk` event source mapping of the template reads.
 * Anything else a client names is created on first use (auto-create, as a stock Kafka broker does).
 */
export function kafkaTopicsFromTemplate(template: CfnTemplate): TopicSpec[] {
  const names = new Set<string>();
  for (const resource of Object.values(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const topics = (resource.Properties as { Topics?: unknown } | undefined)?.Topics;
    if (Array.isArray(topics)) for (const topic of topics) if (typeof topic === 'string') names.add(topic);
  }
  return [...names].map((name) => ({ name, partitions: LOCAL_DEFAULT_PARTITIONS }));
}
