'use strict';
/*
 * A Serverless Framework plugin that finishes the compiled template just before it is written:
 *
 * 1. Per-function alarms, derived from the function list so that a function added tomorrow is
 *    watched without anyone remembering to: Errors and Throttles for every function, and IteratorAge
 *    for every function that consumes a stream. Written out by hand they would be 50-odd near-identical
 *    blocks that silently go stale; the template tests check that every function has them.
 * 2. The framework's default role (IamRoleLambdaExecution) is removed when nothing refers to it. Every
 *    function has its own role (serverless-iam-roles-per-function), but the framework still compiles
 *    the shared one with the union of every event's permissions: an unused, over-broad role.
 *
 * 3. A function in a VPC gets the network-interface permissions Lambda needs as an inline statement of its
 *    own role instead of the AWS managed AWSLambdaVPCAccessExecutionRole that serverless-iam-roles-per-function
 *    attaches (cdk-nag IAM4: no AWS managed policies); the managed policy's CloudWatch Logs grants are
 *    already in every role, scoped to the function's own log group.
 *
 * It runs at `before:aws:package:finalize:saveServiceState`, after `resources:` are merged and every
 * other plugin has compiled its part, and only touches the template (no AWS calls, no credentials).
 */

const ALERTS_TOPIC = { Ref: 'AlertsTopic' };
const DEFAULT_ROLE = 'IamRoleLambdaExecution';
const VPC_ACCESS_POLICY = ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
/** What AWSLambdaVPCAccessExecutionRole grants besides logs; Lambda names the interfaces, so Resource '*'. */
const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** Replaces the managed VPC access policy on a role with the same network-interface grants inline. */
function inlineVpcAccess(role) {
  const managed = role.Properties.ManagedPolicyArns ?? [];
  const kept = managed.filter((arn) => !JSON.stringify(arn).includes(VPC_ACCESS_POLICY));
  if (kept.length === managed.length) return;
  if (kept.length > 0) role.Properties.ManagedPolicyArns = kept;
  else delete role.Properties.ManagedPolicyArns;
  role.Properties.Policies[0].PolicyDocument.Statement.push({
    Effect: 'Allow',
    Action: VPC_NETWORK_INTERFACE_ACTIONS,
    Resource: '*',
  });
}

/** Thresholds, and why. Periods are seconds. */
const POLICY = {
  // Errors are measured as a share of invocations: the saga's steps report business outcomes
  // (OutOfStockError, PaymentDeclinedError) as Lambda errors that the state machine catches, so a
  // plain count would page on every declined card. API handlers render their own failures, so any
  // Lambda error there is a crash and at low traffic one crash is already well over the rate.
  errorRatePercent: 5,
  errorPeriod: 300,
  errorEvaluationPeriods: 2,
  // Throttles mean lost or delayed work (a reserved-concurrency or account limit): any one is news.
  throttlePeriod: 300,
  // A stream consumer more than a minute behind delays the read model or the bus.
  iteratorAgeMs: 60000,
  iteratorAgePeriod: 300,
  iteratorAgeEvaluationPeriods: 2,
  // A Kafka consumer this many records behind its topic is not keeping up (OffsetLag, the sum over partitions).
  offsetLagRecords: 10000,
};

const notify = { AlarmActions: [ALERTS_TOPIC], OKActions: [ALERTS_TOPIC] };

const functionDimension = (logicalId) => [{ Name: 'FunctionName', Value: { Ref: logicalId } }];

function errorsAlarm(alarmName, functionName, logicalId) {
  const metric = (id, metricName) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: { Namespace: 'AWS/Lambda', MetricName: metricName, Dimensions: functionDimension(logicalId) },
      Period: POLICY.errorPeriod,
      Stat: 'Sum',
    },
  });
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: alarmName,
      AlarmDescription: `${functionName}: over ${POLICY.errorRatePercent}% of invocations failed (Lambda Errors).`,
      Metrics: [
        metric('errors', 'Errors'),
        metric('invocations', 'Invocations'),
        {
          Id: 'errorRate',
          Label: 'Errors (% of invocations)',
          Expression: '100 * FILL(errors, 0) / invocations',
          ReturnData: true,
        },
      ],
      EvaluationPeriods: POLICY.errorEvaluationPeriods,
      DatapointsToAlarm: POLICY.errorEvaluationPeriods,
      Threshold: POLICY.errorRatePercent,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...notify,
    },
  };
}

function simpleAlarm({
  alarmName,
  description,
  metricName,
  logicalId,
  statistic,
  period,
  evaluationPeriods,
  threshold,
}) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: alarmName,
      AlarmDescription: description,
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Dimensions: functionDimension(logicalId),
      Statistic: statistic,
      Period: period,
      EvaluationPeriods: evaluationPeriods,
      DatapointsToAlarm: evaluationPeriods,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...notify,
    },
  };
}

/** Every {Ref}, {Fn::GetAtt}, DependsOn or ${Sub} mention of a logical id outside the resource itself. */
function isReferenced(template, logicalId) {
  const subMention = new RegExp(`\\$\\{${logicalId}(\\.|\\})`);
  const visit = (value) => {
    if (Array.isArray(value)) return value.some(visit);
    if (typeof value === 'string') return subMention.test(value);
    if (value === null || typeof value !== 'object') return false;
    if (value.Ref === logicalId) return true;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) ? getAtt[0] === logicalId : getAtt === logicalId) return true;
    return Object.values(value).some(visit);
  };
  const others = Object.entries(template.Resources).filter(([id]) => id !== logicalId);
  return (
    others.some(
      ([, resource]) => visit(resource.Properties) || [resource.DependsOn ?? []].flat().includes(logicalId),
    ) || visit(template.Outputs ?? {})
  );
}

class FunctionAlarmsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.finishTemplate(),
    };
  }

  finishTemplate() {
    const service = this.serverless.service;
    const template = service.provider.compiledCloudFormationTemplate;
    const naming = this.serverless.getProvider('aws').naming;

    for (const name of service.getAllFunctions()) {
      const fn = service.getFunction(name);
      const logicalId = naming.getLambdaLogicalId(name);
      const alarmId = (suffix) => `${naming.getNormalizedFunctionName(name)}${suffix}Alarm`;
      const alarmName = (suffix) => `${fn.name}-${suffix}`;

      template.Resources[alarmId('Errors')] = errorsAlarm(alarmName('errors'), name, logicalId);
      template.Resources[alarmId('Throttles')] = simpleAlarm({
        alarmName: alarmName('throttles'),
        description: `${name}: invocations were throttled.`,
        metricName: 'Throttles',
        logicalId,
        statistic: 'Sum',
        period: POLICY.throttlePeriod,
        evaluationPeriods: 1,
        threshold: 0,
      });
      const consumesStream = (fn.events ?? []).some((event) => event.stream !== undefined);
      if (consumesStream) {
        template.Resources[alarmId('IteratorAge')] = simpleAlarm({
          alarmName: alarmName('iterator-age'),
          description: `${name}: its stream's oldest unprocessed record is over ${POLICY.iteratorAgeMs / 1000} s old.`,
          metricName: 'IteratorAge',
          logicalId,
          statistic: 'Maximum',
          period: POLICY.iteratorAgePeriod,
          evaluationPeriods: POLICY.iteratorAgeEvaluationPeriods,
          threshold: POLICY.iteratorAgeMs,
        });
      }
      if ((fn.events ?? []).some((event) => event.msk !== undefined)) {
        template.Resources[alarmId('OffsetLag')] = simpleAlarm({
          alarmName: alarmName('offset-lag'),
          description: `${name}: its consumer group is over ${POLICY.offsetLagRecords} records behind the topic.`,
          metricName: 'OffsetLag',
          logicalId,
          statistic: 'Maximum',
          period: POLICY.iteratorAgePeriod,
          evaluationPeriods: POLICY.iteratorAgeEvaluationPeriods,
          threshold: POLICY.offsetLagRecords,
        });
      }
    }

    for (const resource of Object.values(template.Resources)) {
      if (resource.Type === 'AWS::IAM::Role' && resource.Properties?.Policies?.[0]) inlineVpcAccess(resource);
    }

    if (template.Resources[DEFAULT_ROLE] && !isReferenced(template, DEFAULT_ROLE)) {
      delete template.Resources.IamRoleLambdaExecution;
    }
  }
}

module.exports = FunctionAlarmsPlugin;
