/*
 * Resource policies that let AWS services deliver to this stack's queues, topics and key (issue 12,
 * items 8 and 11). A service principal is a deputy that acts for whoever configured it: a policy that
 * trusts `events.amazonaws.com` without naming the source lets any account's rule use the resource
 * (the confused deputy), and one that names too few sources refuses this stack's own deliveries, which
 * then fail silently. Both directions are checked on the compiled `ci` template.
 */
import { resourcesOfType, type CfnResource, type CfnTemplate } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** One Allow-or-Deny statement of a resource policy, with the resources the policy is attached to. */
interface PolicyStatement {
  readonly policy: string;
  readonly attachedTo: readonly string[];
  readonly statement: Statement;
}

const list = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : ([value].flat() as T[]);
const props = (resource: CfnResource | undefined) => resource?.Properties ?? {};
const documentOf = (value: unknown): Statement[] =>
  list((value as { Statement?: Statement | Statement[] } | undefined)?.Statement);

/** Every statement of every queue policy, topic policy and key policy, with what it is attached to. */
function resourcePolicyStatements(template: CfnTemplate): PolicyStatement[] {
  const attached = (type: string, targets: string, document: string) =>
    resourcesOfType(template, type).flatMap(([policy, resource]) =>
      documentOf(props(resource)[document]).map((statement) => ({
        policy,
        attachedTo: list(props(resource)[targets]).flatMap((t) => list(referencedLogicalId(t))),
        statement,
      })),
    );
  return [
    ...attached('AWS::SQS::QueuePolicy', 'Queues', 'PolicyDocument'),
    ...attached('AWS::SNS::TopicPolicy', 'Topics', 'PolicyDocument'),
    ...resourcesOfType(template, 'AWS::KMS::Key').flatMap(([key, resource]) =>
      documentOf(props(resource).KeyPolicy).map((statement) => ({
        policy: key,
        attachedTo: [key],
        statement,
      })),
    ),
    ...resourcesOfType(template, 'AWS::Events::EventBusPolicy').map(([policy, resource]) => ({
      policy,
      attachedTo: list(referencedLogicalId(props(resource).EventBusName)),
      statement: props(resource).Statement as Statement,
    })),
  ];
}

const servicesOf = (statement: Statement): string[] =>
  list((statement.Principal as { Service?: unknown } | undefined)?.Service).map((s) =>
    typeof s === 'string' ? s : JSON.stringify(s),
  );

/** Condition entries as `[operator, key, values]`, keys in lower case (condition keys ignore case). */
const conditionsOf = (statement: Statement): [string, string, unknown[]][] =>
  Object.entries(statement.Condition ?? {}).flatMap(([operator, entries]) =>
    Object.entries(entries).map(([key, values]): [string, string, unknown[]] => [
      operator,
      key.toLowerCase(),
      list(values),
    ]),
  );

const isAccountId = (value: unknown) => (value as { Ref?: unknown } | null)?.Ref === 'AWS::AccountId';

/** A source condition's value that can only match this account's requests. */
const namesThisAccount = (template: CfnTemplate, key: string, value: unknown): boolean =>
  key === 'aws:sourceaccount'
    ? isAccountId(value)
    : template.Resources[referencedLogicalId(value) ?? ''] !== undefined ||
      /\$\{AWS::AccountId\}|"Ref":"AWS::AccountId"/.test(JSON.stringify(value));

/**
 * Whether a statement lets `service` call `action` on `resourceId` when the request comes from the
 * resource `sourceId` (a rule, an alarm) of this account: every condition must hold for that request,
 * and a condition this test does not know is taken not to.
 */
function admits(
  statement: Statement,
  request: { service: string; action: string; resourceId: string; sourceId: string },
): boolean {
  if (statement.Effect !== 'Allow' || !servicesOf(statement).includes(request.service)) return false;
  const actions = list(statement.Action);
  const service = request.action.split(':')[0];
  if (!actions.some((a) => a === request.action || a === `${service}:*`)) return false;
  const resources = list(statement.Resource);
  if (!resources.some((r) => r === '*' || referencedLogicalId(r) === request.resourceId)) return false;
  return conditionsOf(statement).every(([operator, key, values]) => {
    if (key === 'aws:sourcearn' && /^Arn(Equals|Like)(IfExists)?$/.test(operator))
      return values.some((v) => referencedLogicalId(v) === request.sourceId);
    if (key === 'aws:sourceaccount' && /^StringEquals(IfExists)?$/.test(operator))
      return values.some(isAccountId);
    return false;
  });
}

/** What every rule target delivers to: the target itself and its dead-letter queue, with the action used. */
function ruleDeliveries(template: CfnTemplate) {
  const actionFor = (id: string) =>
    template.Resources[id]?.Type === 'AWS::SNS::Topic' ? 'sns:Publish' : 'sqs:SendMessage';
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([rule, resource]) =>
    list(props(resource).Targets as { Arn?: unknown; DeadLetterConfig?: { Arn?: unknown } }[]).flatMap(
      (target) =>
        [
          ['target', referencedLogicalId(target.Arn)],
          ['DLQ', referencedLogicalId(target.DeadLetterConfig?.Arn)],
        ].flatMap(([role, id]) =>
          id === undefined ? [] : [{ rule, role, resourceId: id, action: actionFor(id) }],
        ),
    ),
  );
}

/**
 * The one place a service-principal statement may scope by `…IfExists`: EventBridge asks the alerts key
 * for data keys when it publishes to the encrypted alerts topic, and that request carries neither
 * aws:SourceArn nor aws:SourceAccount (the SNS developer guide: adding them to a KMS key policy "is not
 * supported for EventBridge-to-encrypted topics"). With IfExists, a request that does carry them (an
 * event bus of another account pointed at this key) must still name this account.
 */
const IF_EXISTS_EXCEPTIONS = ['AlertsKey events.amazonaws.com'];

describe('compiled template: who may deliver to the stack (resource policies)', () => {
  it("admits every rule to its target and to its target's DLQ (an undeliverable event is kept, not lost)", async () => {
    const template = await ciTemplate();
    const statements = resourcePolicyStatements(template);
    const deliveries = ruleDeliveries(template);
    expect(deliveries.map((d) => d.rule)).toEqual(
      expect.arrayContaining(['SagaStartsRule', 'OrderOutcomesRule', 'AlertsRule']),
    );
    for (const delivery of deliveries) {
      if (template.Resources[delivery.resourceId]?.Type === 'AWS::Lambda::Function') {
        // A function target (tickAlerts' schedule) is admitted by a Lambda permission naming the rule.
        const permitted = resourcesOfType(template, 'AWS::Lambda::Permission').some(
          ([, permission]) =>
            referencedLogicalId(props(permission).FunctionName) === delivery.resourceId &&
            props(permission).Principal === 'events.amazonaws.com' &&
            props(permission).Action === 'lambda:InvokeFunction' &&
            referencedLogicalId(props(permission).SourceArn) === delivery.rule,
        );
        expect({ ...delivery, permitted }).toEqual({ ...delivery, permitted: true });
        continue;
      }
      const policies = statements.filter((s) => s.attachedTo.includes(delivery.resourceId));
      const admitted = policies.some(({ statement }) =>
        admits(statement, { service: 'events.amazonaws.com', ...delivery, sourceId: delivery.rule }),
      );
      expect({ ...delivery, admitted }).toEqual({ ...delivery, admitted: true });
    }
  });

  it('binds every service principal it trusts to this stack: aws:SourceArn or aws:SourceAccount (confused deputy)', async () => {
    const template = await ciTemplate();
    const trusted = resourcePolicyStatements(template).filter(
      ({ statement }) => statement.Effect === 'Allow' && servicesOf(statement).length > 0,
    );
    expect(trusted.map((t) => t.policy)).toEqual(expect.arrayContaining(['AlertsKey', 'AlertsTopicPolicy']));
    const ifExists: string[] = [];
    for (const { policy, statement } of trusted) {
      const conditions = conditionsOf(statement);
      const sources = conditions.filter(([, key]) => key === 'aws:sourcearn' || key === 'aws:sourceaccount');
      // Each source value names this account: a resource of this template, an ARN built on
      // AWS::AccountId, or the account id itself.
      const foreign = sources.flatMap(([, key, values]) =>
        values.filter((v) => !namesThisAccount(template, key, v)),
      );
      expect({ policy, services: servicesOf(statement), bound: sources.length > 0, foreign }).toEqual({
        policy,
        services: servicesOf(statement),
        bound: true,
        foreign: [],
      });
      if (sources.some(([operator]) => operator.endsWith('IfExists')))
        ifExists.push(...servicesOf(statement).map((service) => `${policy} ${service}`));
    }
    expect(ifExists.sort()).toEqual(IF_EXISTS_EXCEPTIONS);
    for (const [id, permission] of resourcesOfType(template, 'AWS::Lambda::Permission')) {
      const p = props(permission);
      if (!String(p.Principal).endsWith('.amazonaws.com')) continue;
      expect({ id, bound: p.SourceArn !== undefined || p.SourceAccount !== undefined }).toEqual({
        id,
        bound: true,
      });
    }
  });

  it('admits every alarm that notifies the alerts topic, by the name pattern the topic and key trust', async () => {
    const template = await ciTemplate();
    const statements = resourcePolicyStatements(template);
    const alarmPatterns = statements
      .filter(({ statement }) => servicesOf(statement).includes('cloudwatch.amazonaws.com'))
      .map(({ policy, statement }) => ({
        policy,
        patterns: conditionsOf(statement)
          .filter(([operator, key]) => key === 'aws:sourcearn' && operator.startsWith('ArnLike'))
          .flatMap(([, , values]) => values.map((v) => (v as { 'Fn::Sub'?: string })['Fn::Sub'] ?? '')),
      }));
    expect(alarmPatterns.map((a) => a.policy).sort()).toEqual(['AlertsKey', 'AlertsTopicPolicy']);
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      list(props(alarm).AlarmActions).some((action) => referencedLogicalId(action) === 'AlertsTopic'),
    );
    expect(alarms.length).toBeGreaterThan(10);
    for (const { policy, patterns } of alarmPatterns) {
      expect({ policy, patterns: patterns.length }).toEqual({ policy, patterns: 1 });
      const [, namePattern = ''] = /:alarm:(.+)$/.exec(patterns[0] ?? '') ?? [];
      const matcher = new RegExp(`^${namePattern.split('*').map(escapeRegExp).join('.*')}$`);
      for (const [id, alarm] of alarms) {
        const name = String(props(alarm).AlarmName);
        expect({ policy, id, name, admitted: matcher.test(name) }).toEqual({
          policy,
          id,
          name,
          admitted: true,
        });
      }
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
