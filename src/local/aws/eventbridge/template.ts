import { resolveArn } from '../../template-arns';
import { referencedName } from '../../template-refs';
import { resourcesOfType, type CfnTemplate } from '../../template';
import { isObject } from '../shared/json-input';
import { busNameOf } from './model';

/** A rule as the template declares it, with references resolved; targets still to be validated. */
export interface TemplateRule {
  readonly logicalId: string;
  readonly name: string;
  readonly busName: string;
  readonly eventPattern?: string;
  readonly scheduleExpression?: string;
  readonly state: string;
  readonly description?: string;
  readonly roleArn?: string;
  readonly targets: Record<string, unknown>[];
}

export interface TemplateArchive {
  readonly logicalId: string;
  readonly name: string;
  readonly busName: string;
  readonly eventPattern?: string;
  readonly description?: string;
  readonly retentionDays: number;
}

export interface TemplateEventBridge {
  readonly buses: { readonly logicalId: string; readonly name: string; readonly description?: string }[];
  readonly rules: TemplateRule[];
  readonly archives: TemplateArchive[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** EventPattern may be an object (CloudFormation JSON) or a JSON string. */
const patternText = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

const busOf = (template: CfnTemplate, value: unknown): string =>
  value === undefined || value === null ? 'default' : busNameOf(referencedName(template, value, 'Name'));

function resolveTarget(template: CfnTemplate, raw: unknown, region: string): Record<string, unknown> {
  if (!isObject(raw)) return {};
  const target: Record<string, unknown> = { ...raw, Arn: resolveArn(template, raw.Arn, region) };
  if (raw.Input !== undefined && typeof raw.Input !== 'string') target.Input = JSON.stringify(raw.Input);
  if (isObject(raw.DeadLetterConfig) && raw.DeadLetterConfig.Arn !== undefined) {
    target.DeadLetterConfig = { Arn: resolveArn(template, raw.DeadLetterConfig.Arn, region) };
  }
  if (isObject(raw.RetryPolicy)) {
    const retry = raw.RetryPolicy;
    const number = (value: unknown) => (typeof value === 'string' ? Number(value) : value);
    target.RetryPolicy = {
      ...(retry.MaximumRetryAttempts === undefined
        ? {}
        : { MaximumRetryAttempts: number(retry.MaximumRetryAttempts) }),
      ...(retry.MaximumEventAgeInSeconds === undefined
        ? {}
        : { MaximumEventAgeInSeconds: number(retry.MaximumEventAgeInSeconds) }),
    };
  }
  return target;
}

/** Reads `AWS::Events::EventBus`, `AWS::Events::Rule` and `AWS::Events::Archive` out of a compiled template. */
export function readEventBridgeTemplate(template: CfnTemplate, region: string): TemplateEventBridge {
  const buses = resourcesOfType(template, 'AWS::Events::EventBus').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    return { logicalId, name: text(p.Name) ?? logicalId, description: text(p.Description) };
  });
  const rules = resourcesOfType(template, 'AWS::Events::Rule').map(([logicalId, resource]): TemplateRule => {
    const p = resource.Properties ?? {};
    const targets = Array.isArray(p.Targets) ? p.Targets : [];
    return {
      logicalId,
      name: text(p.Name) ?? logicalId,
      busName: busOf(template, p.EventBusName),
      eventPattern: patternText(p.EventPattern),
      scheduleExpression: text(p.ScheduleExpression),
      state: text(p.State) ?? 'ENABLED',
      description: text(p.Description),
      roleArn: p.RoleArn === undefined ? undefined : text(p.RoleArn),
      targets: targets.map((target) => resolveTarget(template, target, region)),
    };
  });
  const archives = resourcesOfType(template, 'AWS::Events::Archive').map(
    ([logicalId, resource]): TemplateArchive => {
      const p = resource.Properties ?? {};
      const retention = Number(p.RetentionDays ?? 0);
      return {
        logicalId,
        name: text(p.ArchiveName) ?? logicalId,
        busName: busNameOf(resolveArn(template, p.SourceArn, region)),
        eventPattern: patternText(p.EventPattern),
        description: text(p.Description),
        retentionDays: Number.isFinite(retention) ? retention : 0,
      };
    },
  );
  return { buses, rules, archives };
}
