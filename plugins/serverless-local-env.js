'use strict';
// A Serverless Framework plugin of the offline runtime: before `sls invoke local` reads
// function environments, CloudFormation intrinsics in them are given their local values. It does
// nothing for package or deploy, where CloudFormation resolves them. The work is in TypeScript, loaded
// through tsx only when one of those commands runs.
const LOCAL_COMMANDS = new Set(['invoke local']);

class LocalEnvironmentPlugin {
  constructor(serverless) {
    this.hooks = {
      // `initialize` runs before any command's own lifecycle, ahead of the framework's own attempt
      // (in invoke local) to resolve `Ref` values against a deployed stack.
      initialize: () => {
        const command = (serverless.processedInput?.commands ?? []).join(' ');
        if (!LOCAL_COMMANDS.has(command)) return;
        const { require: tsxRequire } = require('tsx/cjs/api');
        tsxRequire('../src/local/service-environment.ts', __filename).resolveServiceEnvironment(serverless);
      },
    };
  }
}

module.exports = LocalEnvironmentPlugin;
