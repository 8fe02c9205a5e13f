import { resolveIntrinsic } from '../../../src/local/intrinsics';
import type { CfnTemplate } from '../../../src/local/template';

const template: CfnTemplate = {
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q1' } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't1' } },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'tbl' } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'svc-local-fn' } },
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'bus' } },
  },
};
const ctx = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' };

describe('resolveIntrinsic (CloudFormation values, as deployed locally)', () => {
  it.each([
    [{ Ref: 'Queue' }, 'http://127.0.0.1:4566/000000000000/q1'],
    [{ Ref: 'Topic' }, 'arn:aws:sns:eu-west-1:000000000000:t1'],
    [{ Ref: 'Table' }, 'tbl'],
    [{ Ref: 'Fn' }, 'svc-local-fn'],
    [{ Ref: 'Bus' }, 'bus'],
    [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    [{ 'Fn::GetAtt': ['Queue', 'Arn'] }, 'arn:aws:sqs:eu-west-1:000000000000:q1'],
    [{ 'Fn::GetAtt': 'Queue.QueueName' }, 'q1'],
    [
      { 'Fn::GetAtt': ['Table', 'StreamArn'] },
      'arn:aws:dynamodb:eu-west-1:000000000000:table/tbl/stream/1970-01-01T00:00:00.000',
    ],
    [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'arn:aws:lambda:eu-west-1:000000000000:function:svc-local-fn'],
    [
      { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, 'index', 'x']] },
      'arn:aws:dynamodb:eu-west-1:000000000000:table/tbl/index/x',
    ],
    [{ 'Fn::Sub': 'arn:aws:s3:::${AWS::AccountId}-${Table}' }, 'arn:aws:s3:::000000000000-tbl'],
    [
      { 'Fn::Sub': ['${Name}/${Queue.QueueName}', { Name: { Ref: 'Topic' } }] },
      'arn:aws:sns:eu-west-1:000000000000:t1/q1',
    ],
    ['plain', 'plain'],
  ])('%j → %s', (value, expected) => {
    expect(resolveIntrinsic(template, value, ctx)).toBe(expected);
  });

  it('refuses what it cannot know rather than guessing', () => {
    expect(() => resolveIntrinsic(template, { Ref: 'Nope' }, ctx)).toThrow(/Nope/);
    expect(() => resolveIntrinsic(template, { 'Fn::GetAtt': ['Queue', 'Colour'] }, ctx)).toThrow(/Colour/);
  });
});
