import { resolveIntrinsic, type IntrinsicContext } from '../../intrinsics';
import { referencedLogicalId } from '../../template-refs';
import { resourcesOfType, type CfnTemplate } from '../../template';
import { isObject } from '../shared/json-input';
import { errorMessageOf, InvalidDefinitionError } from './errors';
import type { StateMachineType } from './model';

/** An `AWS::StepFunctions::StateMachine` of a compiled template, references resolved. */
export interface TemplateStateMachine {
  readonly logicalId: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly roleArn: string;
  /** The ASL definition as JSON text, as it would be deployed. */
  readonly definition: string;
  readonly loggingConfiguration: Record<string, unknown>;
  readonly tracingConfiguration: Record<string, unknown>;
}

/** The role's ARN: IAM roles have no local ARN in template-arns, so it is built from RoleName or the logical id. */
function roleArnOf(
  template: CfnTemplate,
  value: unknown,
  ctx: IntrinsicContext,
  accountId: string,
  fallback: string,
): string {
  if (typeof value === 'string') return value;
  const id = referencedLogicalId(value);
  const resource = id ? template.Resources[id] : undefined;
  if (id && resource?.Type === 'AWS::IAM::Role') {
    const roleName = resource.Properties?.RoleName;
    return `arn:aws:iam::${accountId}:role/${typeof roleName === 'string' ? roleName : id}`;
  }
  if (value !== undefined) {
    try {
      const resolved = resolveIntrinsic(template, value, ctx);
      if (typeof resolved === 'string') return resolved;
    } catch {
      // fall through to a role named after the state machine
    }
  }
  return `arn:aws:iam::${accountId}:role/${fallback}`;
}

/**
 * The definition text: `DefinitionString` (a string, or `Fn::Sub` as serverless-step-functions compiles it,
 * where `${!Name}` stands for a literal `${Name}`) or `Definition` (an object), then `DefinitionSubstitutions`.
 */
function definitionOf(template: CfnTemplate, p: Record<string, unknown>, ctx: IntrinsicContext): string {
  let text: string;
  if (p.DefinitionString !== undefined) {
    const resolved = resolveIntrinsic(template, p.DefinitionString, ctx);
    if (typeof resolved !== 'string')
      throw new InvalidDefinitionError('DefinitionString does not resolve to text');
    text =
      isObject(p.DefinitionString) && 'Fn::Sub' in p.DefinitionString
        ? resolved.replace(/\$\{!/g, '${')
        : resolved;
  } else if (p.Definition !== undefined) {
    text = JSON.stringify(resolveIntrinsic(template, p.Definition, ctx));
  } else {
    throw new InvalidDefinitionError('neither DefinitionString nor Definition is set');
  }
  if (isObject(p.DefinitionSubstitutions)) {
    for (const [key, raw] of Object.entries(p.DefinitionSubstitutions)) {
      const value = resolveIntrinsic(template, raw, ctx);
      text = text.split(`\${${key}}`).join(typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  return text;
}

const flag = (value: unknown): boolean => value === true || value === 'true';

/** LoggingConfiguration in the API's shape; log group ARNs that cannot be resolved locally are left out. */
function loggingOf(template: CfnTemplate, value: unknown, ctx: IntrinsicContext): Record<string, unknown> {
  if (!isObject(value)) return { level: 'OFF', includeExecutionData: false };
  const destinations = (Array.isArray(value.Destinations) ? value.Destinations : []).flatMap(
    (destination) => {
      const group = isObject(destination) ? destination.CloudWatchLogsLogGroup : undefined;
      try {
        const arn = isObject(group) ? resolveIntrinsic(template, group.LogGroupArn, ctx) : undefined;
        return typeof arn === 'string' ? [{ cloudWatchLogsLogGroup: { logGroupArn: arn } }] : [];
      } catch {
        return [];
      }
    },
  );
  return {
    level: typeof value.Level === 'string' ? value.Level : 'OFF',
    includeExecutionData: flag(value.IncludeExecutionData),
    ...(destinations.length > 0 ? { destinations } : {}),
  };
}

/** Reads every `AWS::StepFunctions::StateMachine` of a compiled template. */
export function readStateMachines(
  template: CfnTemplate,
  ctx: IntrinsicContext,
  accountId: string,
): TemplateStateMachine[] {
  return resourcesOfType(template, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const rawName =
      p.StateMachineName === undefined ? logicalId : resolveIntrinsic(template, p.StateMachineName, ctx);
    const name = typeof rawName === 'string' ? rawName : logicalId;
    let definition: string;
    try {
      definition = definitionOf(template, p, ctx);
    } catch (error) {
      throw new InvalidDefinitionError(`State machine ${logicalId}: ${errorMessageOf(error)}`);
    }
    return {
      logicalId,
      name,
      type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      roleArn: roleArnOf(template, p.RoleArn, ctx, accountId, `${name}-role`),
      definition,
      loggingConfiguration: loggingOf(template, p.LoggingConfiguration, ctx),
      tracingConfiguration: {
        enabled: isObject(p.TracingConfiguration) && flag(p.TracingConfiguration.Enabled),
      },
    };
  });
}
