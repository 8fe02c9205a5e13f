import type { CfnTemplate } from './template';
import { referencedLogicalId } from './template-refs';

export const LOCAL_ACCOUNT_ID = '000000000000';

export class UnresolvableArnError extends Error {
  override readonly name = 'UnresolvableArnError';
}

/** The ARN a resource of the template has once deployed, built from its literal name. */
export function arnOfResource(template: CfnTemplate, logicalId: string, region: string): string {
  const resource = template.Resources[logicalId];
  const p = resource?.Properties ?? {};
  const name = (key: string): string => {
    const value = p[key];
    if (typeof value !== 'string') throw new UnresolvableArnError(`${logicalId} has no literal ${key}`);
    return value;
  };
  const prefix = (service: string) => `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}`;
  switch (resource?.Type) {
    case 'AWS::SQS::Queue':
      return `${prefix('sqs')}:${name('QueueName')}`;
    case 'AWS::SNS::Topic':
      return `${prefix('sns')}:${name('TopicName')}`;
    case 'AWS::Lambda::Function':
      return `${prefix('lambda')}:function:${name('FunctionName')}`;
    case 'AWS::StepFunctions::StateMachine':
      return `${prefix('states')}:stateMachine:${name('StateMachineName')}`;
    case 'AWS::Events::EventBus':
      return `${prefix('events')}:event-bus/${name('Name')}`;
    case 'AWS::DynamoDB::Table':
      return `${prefix('dynamodb')}:table/${name('TableName')}`;
    // A cluster's ARN ends in a UUID that AWS makes up at creation; offline there is one cluster per name.
    case 'AWS::MSK::ServerlessCluster':
    case 'AWS::MSK::Cluster':
      return `${prefix('kafka')}:cluster/${name('ClusterName')}/local`;
    default:
      throw new UnresolvableArnError(`No local ARN for ${logicalId} (${resource?.Type ?? 'missing'})`);
  }
}

/**
 * Resolves a template value that denotes an ARN: a literal string, `Ref` (queues give their URL,
 * topics and state machines their ARN) or `Fn::GetAtt [id, Arn]`, to the ARN of the resource.
 */
export function resolveArn(template: CfnTemplate, value: unknown, region: string): string {
  if (typeof value === 'string') return value;
  const id = referencedLogicalId(value);
  if (!id) throw new UnresolvableArnError(`Not an ARN reference: ${JSON.stringify(value)}`);
  return arnOfResource(template, id, region);
}
