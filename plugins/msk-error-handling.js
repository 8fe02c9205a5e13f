'use strict';
/*
 * The framework's `msk` event takes no on-failure destination nor retry settings (its schema refuses unknown
 * keys), yet without them one poison record blocks its partition for good. This plugin adds them to the
 * compiled event source mappings of the functions named under `custom.mskErrorHandling`:
 *
 *   custom:
 *     mskErrorHandling:
 *       analyzeOrderEvents:
 *         onFailure: !GetAtt AnalyticsFailuresQueue.Arn
 *         maximumRetryAttempts: 2
 *         bisectBatchOnFunctionError: true
 *
 * Lambda takes these on a Kafka mapping in provisioned mode only, so the `msk` event must set
 * `provisionedPollerConfig`; the plugin refuses a mapping without it rather than produce a template
 * that fails at deploy.
 */

class MskErrorHandlingPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.addErrorHandling(),
    };
  }

  addErrorHandling() {
    const service = this.serverless.service;
    const settings = service.custom?.mskErrorHandling ?? {};
    const template = service.provider.compiledCloudFormationTemplate;
    const naming = this.serverless.getProvider('aws').naming;
    for (const [functionName, setting] of Object.entries(settings)) {
      const functionId = naming.getLambdaLogicalId(functionName);
      const mappings = Object.entries(template.Resources).filter(
        ([, resource]) =>
          resource.Type === 'AWS::Lambda::EventSourceMapping' &&
          Array.isArray(resource.Properties.Topics) &&
          JSON.stringify(resource.Properties.FunctionName).includes(`"${functionId}"`),
      );
      if (mappings.length === 0) {
        throw new this.serverless.classes.Error(`mskErrorHandling: ${functionName} has no msk event`);
      }
      for (const [id, mapping] of mappings) {
        if (!mapping.Properties.ProvisionedPollerConfig) {
          throw new this.serverless.classes.Error(
            `mskErrorHandling: ${id} needs provisionedPollerConfig (Lambda's Kafka error handling is provisioned mode only)`,
          );
        }
        mapping.Properties.DestinationConfig = { OnFailure: { Destination: setting.onFailure } };
        mapping.Properties.MaximumRetryAttempts = setting.maximumRetryAttempts;
        mapping.Properties.BisectBatchOnFunctionError = setting.bisectBatchOnFunctionError === true;
      }
    }
  }
}

module.exports = MskErrorHandlingPlugin;
