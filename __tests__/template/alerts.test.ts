import { resourcesOfType, type CfnTemplate } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

/*
 * The alerts pipeline as it deploys (docs/analytics.md, "Alerts"): detectAlerts on the order-events topic in
 * its own consumer group, tickAlerts on a schedule, GET /analytics/alerts, and the ops alerts queue on the
 * alerts topic. Least privilege per function, encryption and DLQs.
 */

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const roleStatements = (template: CfnTemplate, functionId: string): Statement[] => {
  const roleId = referencedLogicalId(template.Resources[functionId]?.Properties?.Role) ?? '';
  return (
    (template.Resources[roleId]?.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] };
    }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);
};

/** A role's grants other than its logs, X-Ray and (in a VPC) network interfaces, as action lists by resource. */
const grantsOf = (template: CfnTemplate, functionId: string) =>
  roleStatements(template, functionId)
    .filter((s) => ![s.Action].flat().some((a) => /^(logs|xray|ec2):/.test(a)))
    .map((s) => ({
      actions: [s.Action].flat().sort(),
      resource: JSON.stringify(s.Resource),
      ...(s.Condition ? { condition: s.Condition } : {}),
    }));

const TABLE = JSON.stringify({ 'Fn::GetAtt': ['AnalyticsTable', 'Arn'] });
const BUS = JSON.stringify({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
const FAILURES = JSON.stringify({ 'Fn::GetAtt': ['AlertsFailuresQueue', 'Arn'] });
const CEP_ITEMS = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['cep', 'alerts'] } };

describe('compiled template: the alerts pipeline', () => {
  it('lets detectAlerts read its topic in its own group, commit the CEP state and alerts, and publish to the bus', async () => {
    const template = await ciTemplate();
    const grants = grantsOf(template, 'DetectAlertsLambdaFunction');
    expect(grants.map(({ actions }) => actions)).toEqual([
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      ['events:PutEvents'],
      ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
      ['sqs:SendMessage'],
    ]);
    expect(grants[0]).toMatchObject({ resource: TABLE, condition: CEP_ITEMS });
    expect(grants[1]?.resource).toBe(BUS);
    expect(grants[4]?.resource).toContain('/orderflow.ci.order-events');
    expect(grants[5]?.resource).toContain('":group/"');
    expect(grants[5]?.resource).toContain('/orderflow-ci-alerts');
    expect(grants[6]?.resource).toBe(FAILURES);
    for (const grant of grants) expect(grant.resource).not.toContain('*');
  });

  it('lets tickAlerts commit the CEP state and alerts, publish, read the minute buckets and score, nothing more', async () => {
    const template = await ciTemplate();
    expect(grantsOf(template, 'TickAlertsLambdaFunction')).toEqual([
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resource: TABLE,
        condition: CEP_ITEMS,
      },
      { actions: ['events:PutEvents'], resource: BUS },
      { actions: ['sqs:SendMessage'], resource: FAILURES },
      // The minute-bucket shares the anomaly scorer reads; the invoke grant itself: anomaly.test.ts.
      {
        actions: ['dynamodb:Query'],
        resource: TABLE,
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['bucket#*'] } },
      },
      {
        actions: ['sagemaker:InvokeEndpoint'],
        resource: JSON.stringify({
          'Fn::Sub':
            'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/orderflow-ci-anomaly',
        }),
      },
    ]);
  });

  it('lets GET /analytics/alerts only query the alert items, with the admin scope', async () => {
    const template = await ciTemplate();
    expect(grantsOf(template, 'GetAnalyticsAlertsLambdaFunction')).toEqual([
      {
        actions: ['dynamodb:Query'],
        resource: TABLE,
        condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['alerts'] } },
      },
    ]);
    const route = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').find(
      ([, r]) => r.Properties?.RouteKey === 'GET /analytics/alerts',
    );
    expect(route?.[1].Properties).toMatchObject({ AuthorizationScopes: ['orderflow/admin'] });
  });

  it('maps detectAlerts to the topic in its own consumer group, retrying, bisecting, dead-lettering, lag-alarmed', async () => {
    const template = await ciTemplate();
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) =>
      JSON.stringify(m.Properties?.FunctionName).includes('"DetectAlertsLambdaFunction"'),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({
      EventSourceArn: { Ref: 'OrderStreamCluster' },
      Topics: ['orderflow.ci.order-events'],
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orderflow-ci-alerts' },
      ProvisionedPollerConfig: { MinimumPollers: 1 },
      MaximumRetryAttempts: 2,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['AlertsFailuresQueue', 'Arn'] } } },
    });
    // One writer of the one CEP state item: a second invocation at once would only conflict.
    expect(template.Resources.DetectAlertsLambdaFunction?.Properties).toMatchObject({
      ReservedConcurrentExecutions: 1,
    });
    expect(template.Resources.DetectAlertsOffsetLagAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'OffsetLag',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'DetectAlertsLambdaFunction' } }],
    });
  });

  it('ticks every minute on the default bus, its failures kept (target DLQ, async on-failure destination)', async () => {
    const template = await ciTemplate();
    const schedules = resourcesOfType(template, 'AWS::Events::Rule').filter(
      ([, rule]) => rule.Properties?.ScheduleExpression !== undefined,
    );
    expect(schedules.map(([id]) => id)).toEqual(['TickAlertsEventsRuleSchedule1']);
    expect(schedules[0]?.[1].Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': ['TickAlertsLambdaFunction', 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['EventDeliveryDeadLetterQueue', 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300 },
        },
      ],
    });
    expect(schedules[0]?.[1].Properties?.EventBusName).toBeUndefined();
    const invokeConfig = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => referencedLogicalId(c.Properties?.FunctionName) === 'TickAlertsLambdaFunction',
    );
    expect(invokeConfig?.[1].Properties).toMatchObject({
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['AlertsFailuresQueue', 'Arn'] } } },
    });
  });

  it('gives both alert functions the stage thresholds of every rule', async () => {
    const template = await ciTemplate();
    for (const id of ['DetectAlertsLambdaFunction', 'TickAlertsLambdaFunction']) {
      const variables = (
        template.Resources[id]?.Properties?.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect({ id, ...variables }).toMatchObject({
        id,
        ANALYTICS_TABLE: 'orderflow-ci-analytics',
        EVENT_BUS_NAME: 'orderflow-ci',
        ALERT_VELOCITY_WINDOW_SECONDS: '600',
        ALERT_VELOCITY_MAX_ORDERS: '5',
        ALERT_VELOCITY_MAX_TOTAL_MINOR: '500000',
        ALERT_DECLINE_WINDOW_SECONDS: '300',
        ALERT_DECLINE_MAX_RATE_PERCENT: '30',
        ALERT_DECLINE_MIN_ATTEMPTS: '10',
        ALERT_STUCK_ORDER_SECONDS: '900',
        ALERT_REVIEW_MAX_WAITING: '20',
        ALERT_REVIEW_SLA_SECONDS: '3600',
      });
    }
  });

  it('subscribes the encrypted ops alerts queue (with a DLQ) to the alerts topic, raw, and admits only that topic', async () => {
    const template = await ciTemplate();
    const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').filter(
      ([, s]) => referencedLogicalId(s.Properties?.TopicArn) === 'AlertsTopic',
    );
    expect(subscriptions.map(([id]) => id)).toEqual(['OpsAlertsSubscription']);
    expect(subscriptions[0]?.[1].Properties).toMatchObject({
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': ['OpsAlertsQueue', 'Arn'] },
      RawMessageDelivery: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['OpsAlertsDeadLetterQueue', 'Arn'] } },
    });
    expect(template.Resources.OpsAlertsQueue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['OpsAlertsDeadLetterQueue', 'Arn'] } },
    });
    expect(template.Resources.OpsAlertsDeadLetterQueue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    const policies = resourcesOfType(template, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
      JSON.stringify(p.Properties?.Queues).includes('"OpsAlertsQueue"'),
    );
    expect(policies).toHaveLength(1);
    const allows = (
      policies[0]?.[1].Properties?.PolicyDocument as { Statement: (Statement & { Principal: unknown })[] }
    ).Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: 'AlertsTopic' } } },
      }),
    ]);
  });

  it('alarms on alerts left unpublished and charts the alerts by rule', async () => {
    const template = await ciTemplate();
    expect(template.Resources.AlertsUnpublishedAlarm?.Properties).toMatchObject({
      Namespace: 'orderflow',
      MetricName: 'AlertsUnpublished',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlertsTopic' }],
    });
    const body = JSON.stringify(template.Resources.OperationsDashboard?.Properties?.DashboardBody);
    expect(body).toContain('Alerts raised and cleared by rule');
    expect(body).toContain('{orderflow,ruleId,service} MetricName=\\\\\\"AlertsRaised\\\\\\"');
  });
});
