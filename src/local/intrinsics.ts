import type { CfnTemplate } from './template';
import { arnOfResource, LOCAL_ACCOUNT_ID, UnresolvableArnError } from './template-arns';
import { localAppClientId, localUserPoolId } from './auth/local-user-pool';

export interface IntrinsicContext {
  readonly region: string;
  /** Base URL of the local AWS endpoint; queue URLs are built on it. */
  readonly endpoint: string;
}

const PSEUDO_PARAMETERS = (ctx: IntrinsicContext): Record<string, string> => ({
  'AWS::Region': ctx.region,
  'AWS::AccountId': LOCAL_ACCOUNT_ID,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
});

const literal = (template: CfnTemplate, id: string, key: string): string => {
  const value = template.Resources[id]?.Properties?.[key];
  if (typeof value !== 'string') throw new UnresolvableArnError(`${id} has no literal ${key}`);
  return value;
};

/** What `Ref` gives for a resource, per the CloudFormation reference of its type. */
function ref(template: CfnTemplate, id: string, ctx: IntrinsicContext): string {
  const pseudo = PSEUDO_PARAMETERS(ctx)[id];
  if (pseudo) return pseudo;
  switch (template.Resources[id]?.Type) {
    case 'AWS::SQS::Queue':
      return `${ctx.endpoint}/${LOCAL_ACCOUNT_ID}/${literal(template, id, 'QueueName')}`;
    case 'AWS::DynamoDB::Table':
      return literal(template, id, 'TableName');
    case 'AWS::Lambda::Function':
      return literal(template, id, 'FunctionName');
    case 'AWS::Events::EventBus':
      return literal(template, id, 'Name');
    case 'AWS::KMS::Key':
      return localKeyId(id);
    case 'AWS::Cognito::UserPool':
      return localUserPoolId(ctx.region, id);
    case 'AWS::Cognito::UserPoolClient':
      return localAppClientId(id);
    default:
      return arnOfResource(template, id, ctx.region);
  }
}

/** A stable stand-in for a KMS key id: the local services store key ids, they do not encrypt. */
const localKeyId = (logicalId: string): string => `local-${logicalId}`;

function getAtt(template: CfnTemplate, id: string, attribute: string, ctx: IntrinsicContext): string {
  if (template.Resources[id]?.Type === 'AWS::KMS::Key' && attribute === 'Arn') {
    return `arn:aws:kms:${ctx.region}:${LOCAL_ACCOUNT_ID}:key/${localKeyId(id)}`;
  }
  switch (attribute) {
    case 'Arn':
      return arnOfResource(template, id, ctx.region);
    case 'StreamArn':
      return `${arnOfResource(template, id, ctx.region)}/stream/1970-01-01T00:00:00.000`;
    case 'QueueName':
    case 'TopicName':
    case 'Name':
      return literal(template, id, attribute);
    case 'QueueUrl':
      return ref(template, id, ctx);
    default:
      throw new UnresolvableArnError(`No local value for ${id}.${attribute}`);
  }
}

/**
 * Evaluates the CloudFormation intrinsics that configuration values use (`Ref`, `Fn::GetAtt`,
 * `Fn::Sub`, `Fn::Join`) against the template, giving what they would give once deployed locally.
 */
export function resolveIntrinsic(template: CfnTemplate, value: unknown, ctx: IntrinsicContext): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsic(template, item, ctx));
  const entries = Object.entries(value);
  if (entries.length !== 1)
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsic(template, v, ctx)]));
  const [[fn, arg]] = entries as [[string, unknown]];
  switch (fn) {
    case 'Ref':
      return ref(template, String(arg), ctx);
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
      return getAtt(template, id ?? '', attribute ?? '', ctx);
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((part) => String(resolveIntrinsic(template, part, ctx))).join(separator);
    }
    case 'Fn::Sub': {
      const [text, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
      return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (name in variables) return String(resolveIntrinsic(template, variables[name], ctx));
        const [id, attribute] = name.split('.');
        return attribute ? getAtt(template, id ?? '', attribute, ctx) : ref(template, name, ctx);
      });
    }
    default:
      return { [fn]: resolveIntrinsic(template, arg, ctx) };
  }
}
