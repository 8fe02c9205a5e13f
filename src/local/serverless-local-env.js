'use strict';
// A Serverless Framework plugin of the offline runtime: before serverless-offline or `sls invoke local`
// read function environments, CloudFormation intrinsics in them are given their local values. It does
// nothing on package or deploy, where CloudFormation resolves them. The work is in TypeScript, loaded
// through tsx only when one of these commands runs.
class LocalEnvironmentPlugin {
  constructor(serverless) {
    const resolve = () => {
      const { require: tsxRequire } = require('tsx/cjs/api');
      tsxRequire('./service-environment.ts', __filename).resolveServiceEnvironment(serverless);
    };
    this.hooks = {
      'before:offline:start:init': resolve,
      'before:offline:start': resolve,
      'before:invoke:local:invoke': resolve,
    };
  }
}

module.exports = LocalEnvironmentPlugin;
