import { resourcesOfType } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const statements = (policies: unknown): Statement[] =>
  ((policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );

describe('compiled template: the order event stream on MSK', () => {
  it('is an MSK Serverless cluster with IAM authentication in the given subnets and security groups', async () => {
    const template = await ciTemplate();
    const clusters = resourcesOfType(template, 'AWS::MSK::ServerlessCluster');
    expect(clusters.map(([id]) => id)).toEqual(['OrderStreamCluster']);
    // MSK Serverless serves IAM over TLS only: IAM on is encryption in transit on.
    expect(clusters[0]?.[1].Properties).toEqual({
      ClusterName: 'orderflow-ci-stream',
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [
        { SubnetIds: { Ref: 'StreamingSubnetIds' }, SecurityGroups: { Ref: 'StreamingSecurityGroupIds' } },
      ],
    });
    expect((template as { Parameters?: unknown }).Parameters).toMatchObject({
      StreamingSubnetIds: { Type: 'List<AWS::EC2::Subnet::Id>' },
      StreamingSecurityGroupIds: { Type: 'List<AWS::EC2::SecurityGroup::Id>' },
    });
    expect(template.Outputs).toMatchObject({
      OrderStreamClusterArn: { Value: { Ref: 'OrderStreamCluster' } },
      OrderEventsTopic: { Value: 'orderflow.ci.order-events' },
    });
  });

  it('runs the producer in the VPC with IAM auth and the per-stage topic', async () => {
    const template = await ciTemplate();
    const producer = template.Resources.PublishOrderStreamLambdaFunction?.Properties ?? {};
    expect(JSON.stringify(producer.VpcConfig)).toContain('StreamingSubnetIds');
    expect(JSON.stringify(producer.VpcConfig)).toContain('StreamingSecurityGroupIds');
    expect((producer.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      KAFKA_AUTH: 'iam',
      KAFKA_TOPIC: 'orderflow.ci.order-events',
      KAFKA_TOPIC_PARTITIONS: '6',
    });
  });

  it('consumes the event store stream with retries, bisection, partial failures and a failure destination', async () => {
    const template = await ciTemplate();
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => referencedLogicalId(m.Properties?.FunctionName) === 'PublishOrderStreamLambdaFunction',
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['EventStoreTable', 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: 10,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['OrderStreamFailuresQueue', 'Arn'] } },
      },
    });
  });

  it('lets the producer connect and write its one topic, and the analytics consumer read it in its one group', async () => {
    const template = await ciTemplate();
    // The alerts consumer's grants: __tests__/template/alerts.test.ts.
    const kafkaGrants = resourcesOfType(template, 'AWS::IAM::Role')
      .filter(([id]) => id !== 'DetectAlertsIamRoleLambdaExecution')
      .flatMap(([id, role]) =>
        statements(role.Properties?.Policies)
          .filter((s) => [s.Action].flat().some((a) => a.startsWith('kafka')))
          .map((s) => ({ id, actions: [s.Action].flat().sort(), resource: JSON.stringify(s.Resource) })),
      );
    expect(kafkaGrants.map(({ id, actions }) => ({ id, actions }))).toEqual([
      { id: 'PublishOrderStreamIamRoleLambdaExecution', actions: ['kafka-cluster:Connect'] },
      {
        id: 'PublishOrderStreamIamRoleLambdaExecution',
        actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      },
      {
        id: 'AnalyzeOrderEventsIamRoleLambdaExecution',
        actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      },
      {
        id: 'AnalyzeOrderEventsIamRoleLambdaExecution',
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
      },
      {
        id: 'AnalyzeOrderEventsIamRoleLambdaExecution',
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      },
      {
        id: 'AnalyzeOrderEventsIamRoleLambdaExecution',
        actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
      },
    ]);
    const cluster = JSON.stringify({ Ref: 'OrderStreamCluster' });
    for (const index of [0, 2, 3]) expect(kafkaGrants[index]?.resource).toBe(cluster);
    // A topic's or group's ARN is the cluster's with `:cluster/` turned into `:topic/` or `:group/`.
    for (const index of [1, 4]) {
      expect(kafkaGrants[index]?.resource).toContain('":topic/"');
      expect(kafkaGrants[index]?.resource).toContain('/orderflow.ci.order-events');
    }
    expect(kafkaGrants[5]?.resource).toContain('":group/"');
    expect(kafkaGrants[5]?.resource).toContain('/orderflow-ci-analytics');
    for (const grant of kafkaGrants) expect(grant.resource).not.toContain('*');
  });

  it('maps the analytics consumer to the topic in provisioned mode, retrying, bisecting and dead-lettering', async () => {
    const template = await ciTemplate();
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) =>
        Array.isArray(m.Properties?.Topics) &&
        JSON.stringify(m.Properties?.FunctionName).includes('"AnalyzeOrderEventsLambdaFunction"'),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({
      EventSourceArn: { Ref: 'OrderStreamCluster' },
      FunctionName: { 'Fn::GetAtt': ['AnalyzeOrderEventsLambdaFunction', 'Arn'] },
      Topics: ['orderflow.ci.order-events'],
      StartingPosition: 'TRIM_HORIZON',
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orderflow-ci-analytics' },
      ProvisionedPollerConfig: { MinimumPollers: 1 },
      MaximumRetryAttempts: 2,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['AnalyticsFailuresQueue', 'Arn'] } } },
    });
    // One invocation per partition of the topic (6), the most the event source runs at once.
    expect(template.Resources.AnalyzeOrderEventsLambdaFunction?.Properties).toMatchObject({
      ReservedConcurrentExecutions: 6,
    });
    expect(template.Resources.AnalyzeOrderEventsOffsetLagAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'OffsetLag',
    });
  });

  it('keeps the analytics table encrypted, recoverable and expiring old windows', async () => {
    const table = (await ciTemplate()).Resources.AnalyticsTable?.Properties;
    expect(table).toMatchObject({
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keeps the failure destination TLS-only and alarms on its first message', async () => {
    const template = await ciTemplate();
    const policy = template.Resources.OrderStreamFailuresQueuePolicy?.Properties ?? {};
    expect(policy.Queues).toEqual([{ Ref: 'OrderStreamFailuresQueue' }]);
    expect(JSON.stringify(policy.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    expect(template.Resources.OrderStreamFailuresAlarm?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['OrderStreamFailuresQueue', 'QueueName'] } }],
    });
  });
});
