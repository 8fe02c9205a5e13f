import type { CfnTemplate } from '../../../src/local/template';
import {
  DEFAULT_KAFKA_BATCHING_WINDOW_MS,
  kafkaMappingsFromTemplate,
  RETRIES_WITH_DESTINATION,
} from '../../../src/local/msk/msk-mappings';

const template = (mapping: Record<string, unknown>): CfnTemplate => ({
  Resources: {
    Cluster: {
      Type: 'AWS::MSK::ServerlessCluster',
      Properties: { ClusterName: 'orderflow-test-stream' },
    },
    ConsumerLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: 'orderflow-test-consumer' },
    },
    FailuresQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orderflow-test-failures' } },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'events' } },
    Mapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { Ref: 'Cluster' },
        FunctionName: { 'Fn::GetAtt': ['ConsumerLambdaFunction', 'Arn'] },
        Topics: ['orders'],
        StartingPosition: 'TRIM_HORIZON',
        ...mapping,
      },
    },
  },
});

describe('Amazon MSK event source mappings from the compiled template', () => {
  it('reads the function, topic, cluster ARN and Lambda’s defaults for what the mapping leaves out', () => {
    expect(kafkaMappingsFromTemplate(template({}), 'eu-west-1')).toEqual([
      {
        logicalId: 'Mapping',
        functionName: 'orderflow-test-consumer',
        eventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/orderflow-test-stream/local',
        topic: 'orders',
        batchSize: 100,
        startingPosition: 'TRIM_HORIZON',
        consumerGroupId: 'lambda-Mapping',
        maximumBatchingWindowMs: DEFAULT_KAFKA_BATCHING_WINDOW_MS,
        maximumRetryAttempts: -1,
        bisectBatchOnFunctionError: false,
        onFailureDestination: undefined,
        enabled: true,
      },
    ]);
  });

  it('takes batch size, window, starting position, consumer group, retries and the on-failure destination', () => {
    const [mapping] = kafkaMappingsFromTemplate(
      template({
        BatchSize: 250,
        MaximumBatchingWindowInSeconds: 2,
        StartingPosition: 'LATEST',
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'analytics' },
        MaximumRetryAttempts: 3,
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailuresQueue', 'Arn'] } } },
        Enabled: false,
      }),
      'eu-west-1',
    );
    expect(mapping).toMatchObject({
      batchSize: 250,
      maximumBatchingWindowMs: 2000,
      startingPosition: 'LATEST',
      consumerGroupId: 'analytics',
      maximumRetryAttempts: 3,
      bisectBatchOnFunctionError: true,
      onFailureDestination: 'arn:aws:sqs:eu-west-1:000000000000:orderflow-test-failures',
      enabled: false,
    });
  });

  it('caps infinite retries at ten when the mapping has an on-failure destination, as Lambda does', () => {
    const [mapping] = kafkaMappingsFromTemplate(
      template({ DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:eu-west-1:1:dlq' } } }),
      'eu-west-1',
    );
    expect(mapping?.maximumRetryAttempts).toBe(RETRIES_WITH_DESTINATION);
  });

  it('leaves DynamoDB stream and SQS mappings to their own event sources', () => {
    const streamOnly = template({});
    const props = streamOnly.Resources.Mapping?.Properties as Record<string, unknown>;
    props.EventSourceArn = { 'Fn::GetAtt': ['Table', 'StreamArn'] };
    delete props.Topics;
    expect(kafkaMappingsFromTemplate(streamOnly, 'eu-west-1')).toEqual([]);
  });
});
