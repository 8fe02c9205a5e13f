'use strict';
/*
 * The framework's `schedule` event (an EventBridge rule on the default bus) takes no retry policy nor
 * dead-letter queue for its target, yet a tick EventBridge cannot deliver would then vanish unseen. This
 * plugin adds them to the compiled schedule rules of the functions named under `custom.scheduleDelivery`:
 *
 *   custom:
 *     scheduleDelivery:
 *       tickAlerts:
 *         deadLetter: !GetAtt EventDeliveryDeadLetterQueue.Arn
 *         maximumRetryAttempts: 3
 *         maximumEventAgeInSeconds: 300
 *
 * The DLQ's queue policy must admit the rule (its logical id is `<Function>EventsRuleSchedule<n>`).
 */

class ScheduleDeliveryPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.addDelivery(),
    };
  }

  addDelivery() {
    const service = this.serverless.service;
    const settings = service.custom?.scheduleDelivery ?? {};
    const template = service.provider.compiledCloudFormationTemplate;
    const naming = this.serverless.getProvider('aws').naming;
    for (const [functionName, setting] of Object.entries(settings)) {
      const functionId = naming.getLambdaLogicalId(functionName);
      const rules = Object.values(template.Resources).filter(
        (resource) =>
          resource.Type === 'AWS::Events::Rule' &&
          resource.Properties.ScheduleExpression !== undefined &&
          JSON.stringify(resource.Properties.Targets ?? []).includes(`"${functionId}"`),
      );
      if (rules.length === 0) {
        throw new this.serverless.classes.Error(`scheduleDelivery: ${functionName} has no schedule event`);
      }
      for (const rule of rules) {
        for (const target of rule.Properties.Targets) {
          target.DeadLetterConfig = { Arn: setting.deadLetter };
          target.RetryPolicy = {
            MaximumRetryAttempts: setting.maximumRetryAttempts,
            MaximumEventAgeInSeconds: setting.maximumEventAgeInSeconds,
          };
        }
      }
    }
  }
}

module.exports = ScheduleDeliveryPlugin;
