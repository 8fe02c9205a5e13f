import { resourcesOfType, type CfnResource, type CfnTemplate } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

/** One metric an alarm watches: its own, or one inside a metric-math expression. */
interface WatchedMetric {
  readonly namespace: unknown;
  readonly metricName: unknown;
  readonly dimensions: Readonly<Record<string, unknown>>;
}

interface MetricDataQuery {
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] } };
}
interface Dimension {
  Name: string;
  Value: unknown;
}

const dimensionsOf = (dimensions: Dimension[] | undefined) =>
  Object.fromEntries((dimensions ?? []).map((d) => [d.Name, d.Value]));

const watchedMetrics = (alarm: CfnResource): WatchedMetric[] => {
  const p = alarm.Properties ?? {};
  if (p.MetricName !== undefined) {
    return [
      {
        namespace: p.Namespace,
        metricName: p.MetricName,
        dimensions: dimensionsOf(p.Dimensions as Dimension[]),
      },
    ];
  }
  return ((p.Metrics ?? []) as MetricDataQuery[]).flatMap((query) =>
    query.MetricStat
      ? [
          {
            namespace: query.MetricStat.Metric.Namespace,
            metricName: query.MetricStat.Metric.MetricName,
            dimensions: dimensionsOf(query.MetricStat.Metric.Dimensions),
          },
        ]
      : [],
  );
};

const alarmsOf = (template: CfnTemplate) => resourcesOfType(template, 'AWS::CloudWatch::Alarm');

/** The alarms watching `metricName` in `namespace` whose dimension `name` points at logical id `id`. */
const alarmsWatching = (
  template: CfnTemplate,
  namespace: string,
  metricName: string,
  dimension: string,
  matches: (value: unknown) => boolean,
) =>
  alarmsOf(template).filter(([, alarm]) =>
    watchedMetrics(alarm).some(
      (m) => m.namespace === namespace && m.metricName === metricName && matches(m.dimensions[dimension]),
    ),
  );

const refersTo = (id: string) => (value: unknown) => referencedLogicalId(value) === id;

/**
 * Every queue that receives what could not be processed: queue and SNS subscription redrive targets,
 * EventBridge target DLQs and stream on-failure destinations. Derived from the template, not from the
 * alarms, so a DLQ added without an alarm fails the test.
 */
function deadLetterQueues(template: CfnTemplate): string[] {
  const ids = new Set<string>();
  const add = (value: unknown) => {
    const id = referencedLogicalId(value);
    if (id && template.Resources[id]?.Type === 'AWS::SQS::Queue') ids.add(id);
  };
  for (const [, r] of [
    ...resourcesOfType(template, 'AWS::SQS::Queue'),
    ...resourcesOfType(template, 'AWS::SNS::Subscription'),
  ]) {
    add((r.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn);
  }
  for (const [, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
    for (const target of (rule.Properties?.Targets ?? []) as { DeadLetterConfig?: { Arn?: unknown } }[]) {
      add(target.DeadLetterConfig?.Arn);
    }
  }
  for (const [, mapping] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const config = mapping.Properties?.DestinationConfig as
      { OnFailure?: { Destination?: unknown } } | undefined;
    add(config?.OnFailure?.Destination);
  }
  return [...ids].sort();
}

const isStreamArn = (value: unknown) =>
  Array.isArray((value as { 'Fn::GetAtt'?: unknown })?.['Fn::GetAtt']) &&
  (value as { 'Fn::GetAtt': unknown[] })['Fn::GetAtt'][1] === 'StreamArn';

describe('compiled template: alarms', () => {
  it('alarms on visible messages in every dead-letter queue and failure destination', async () => {
    const template = await ciTemplate();
    const dlqs = deadLetterQueues(template);
    expect(dlqs).toEqual([
      'AlertsFailuresQueue',
      'AnalyticsFailuresQueue',
      'CustomerNotificationsDeadLetterQueue',
      'EventDeliveryDeadLetterQueue',
      'OpsAlertsDeadLetterQueue',
      'OpsNotificationsDeadLetterQueue',
      'OrderOutcomesDeadLetterQueue',
      'OrderStreamFailuresQueue',
      'OutboxFailuresQueue',
      'ProjectorFailuresQueue',
      'SagaStartsDeadLetterQueue',
      'ShippingRequestsDeadLetterQueue',
    ]);
    for (const dlq of dlqs) {
      const alarms = alarmsWatching(
        template,
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        (value) => JSON.stringify(value) === JSON.stringify({ 'Fn::GetAtt': [dlq, 'QueueName'] }),
      );
      // One message is one too many: the alarm fires on the first.
      expect({ dlq, alarms: alarms.map(([, a]) => a.Properties).map((p) => p?.Threshold) }).toEqual({
        dlq,
        alarms: [0],
      });
      expect(alarms[0]?.[1].Properties).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Statistic: 'Maximum',
      });
    }
  });

  it('alarms on Errors and Throttles of every function', async () => {
    const template = await ciTemplate();
    const functions = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
    expect(functions.length).toBeGreaterThan(20);
    for (const fn of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        const alarms = alarmsWatching(template, 'AWS/Lambda', metric, 'FunctionName', refersTo(fn));
        expect({ fn, metric, alarms: alarms.length }).toEqual({ fn, metric, alarms: 1 });
      }
    }
  });

  it('alarms on the iterator age of every stream consumer', async () => {
    const template = await ciTemplate();
    const consumers = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
      .filter(([, m]) => isStreamArn(m.Properties?.EventSourceArn))
      .map(([, m]) => referencedLogicalId(m.Properties?.FunctionName) ?? '')
      .sort();
    expect(consumers).toEqual([
      'ProjectOrdersLambdaFunction',
      'PublishOrderStreamLambdaFunction',
      'PublishOutboxLambdaFunction',
    ]);
    for (const fn of consumers) {
      const alarms = alarmsWatching(template, 'AWS/Lambda', 'IteratorAge', 'FunctionName', refersTo(fn));
      expect({ fn, alarms: alarms.map(([, a]) => a.Properties?.Statistic) }).toEqual({
        fn,
        alarms: ['Maximum'],
      });
    }
  });

  it('alarms on failed, timed-out and aborted executions of every state machine', async () => {
    const template = await ciTemplate();
    const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine').map(([id]) => id);
    expect(machines).toEqual(['OrderSagaStateMachine']);
    for (const machine of machines) {
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
        const alarms = alarmsWatching(template, 'AWS/States', metric, 'StateMachineArn', refersTo(machine));
        expect({ machine, metric, alarms: alarms.length }).toEqual({ machine, metric, alarms: 1 });
      }
    }
  });

  it("alarms on the HTTP API's 5xx and p99 latency", async () => {
    const template = await ciTemplate();
    const fiveXx = alarmsWatching(template, 'AWS/ApiGateway', '5xx', 'ApiId', refersTo('HttpApi'));
    expect(fiveXx.map(([, a]) => a.Properties?.Statistic)).toEqual(['Sum']);
    const latency = alarmsWatching(template, 'AWS/ApiGateway', 'Latency', 'ApiId', refersTo('HttpApi'));
    expect(latency.map(([, a]) => a.Properties?.ExtendedStatistic)).toEqual(['p99']);
  });

  it('alarms on FailedInvocations of every EventBridge rule, by bus and rule name', async () => {
    const template = await ciTemplate();
    const rules = resourcesOfType(template, 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const [id, rule] of rules) {
      const busId = referencedLogicalId(rule.Properties?.EventBusName) ?? '';
      const busName = template.Resources[busId]?.Properties?.Name;
      const alarms = alarmsOf(template).filter(([, alarm]) =>
        watchedMetrics(alarm).some(
          (m) =>
            m.namespace === 'AWS/Events' &&
            m.metricName === 'FailedInvocations' &&
            m.dimensions.RuleName === rule.Properties?.Name &&
            m.dimensions.EventBusName === busName,
        ),
      );
      expect({ id, alarms: alarms.length }).toEqual({ id, alarms: 1 });
    }
  });

  it('notifies the alerts topic from every alarm, on alarm and on recovery', async () => {
    const template = await ciTemplate();
    expect(template.Resources.AlertsTopic?.Type).toBe('AWS::SNS::Topic');
    const alarms = alarmsOf(template);
    expect(alarms.length).toBeGreaterThan(60);
    for (const [id, alarm] of alarms) {
      const p = alarm.Properties ?? {};
      expect({
        id,
        enabled: p.ActionsEnabled !== false,
        onAlarm: p.AlarmActions,
        onOk: p.OKActions,
        missing: p.TreatMissingData,
      }).toEqual({
        id,
        enabled: true,
        onAlarm: [{ Ref: 'AlertsTopic' }],
        onOk: [{ Ref: 'AlertsTopic' }],
        missing: 'notBreaching',
      });
    }
    const names = alarms.map(([, a]) => a.Properties?.AlarmName);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('compiled template: the operations dashboard', () => {
  /** The body with every ${...} substitution replaced, as CloudFormation would, by a placeholder. */
  const dashboardBody = async () => {
    const [[, dashboard] = []] = resourcesOfType(await ciTemplate(), 'AWS::CloudWatch::Dashboard');
    const sub = (dashboard?.Properties?.DashboardBody as { 'Fn::Sub'?: unknown })?.['Fn::Sub'];
    expect(typeof sub).toBe('string');
    return sub as string;
  };

  it('is valid JSON once substituted, with the funnel, saga outcomes, latencies and DLQ depth', async () => {
    const body = await dashboardBody();
    const parsed = JSON.parse(body.replace(/\$\{[^}]+\}/g, 'x')) as {
      widgets: { properties: { title: string } }[];
    };
    expect(parsed.widgets.map((w) => w.properties.title)).toEqual(
      expect.arrayContaining([
        'Orders funnel',
        'Saga outcomes by reason',
        'API latency (ms)',
        'Saga duration and payment latency (ms)',
        'DLQ depth (visible messages)',
      ]),
    );
  });

  it('charts the EMF business metrics, the API p50/p99 and every DLQ', async () => {
    const template = await ciTemplate();
    const body = await dashboardBody();
    for (const metric of [
      '"orderflow", "OrdersPlaced", "service", "orderflow"',
      '"orderflow", "OrdersConfirmed", "service", "orderflow"',
      '"orderflow", "OrdersCancelled", "service", "orderflow"',
      'MetricName=\\"OrdersCancelled\\"',
      '{orderflow,reason,service}',
      '"orderflow", "SagaDuration", "service", "orderflow"',
      '"orderflow", "PaymentLatency", "service", "orderflow"',
      '"orderflow", "Redrives", "service", "orderflow"',
      '"Latency", "ApiId", "${HttpApi}", { "stat": "p50"',
      '"Latency", "ApiId", "${HttpApi}", { "stat": "p99"',
    ]) {
      expect({ metric, charted: body.includes(metric) }).toEqual({ metric, charted: true });
    }
    for (const dlq of deadLetterQueues(template)) {
      expect({ dlq, charted: body.includes(`"QueueName", "\${${dlq}.QueueName}"`) }).toEqual({
        dlq,
        charted: true,
      });
    }
  });
});
