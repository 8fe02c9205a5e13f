import type { CfnResource, CfnTemplate } from './template';
import { resolveIntrinsic } from './intrinsics';

/** The part of the Serverless Framework's in-memory service that function environments live in. */
export interface ServerlessLike {
  readonly service: {
    readonly service: string;
    readonly provider: {
      region?: string;
      stage?: string;
      environment?: Record<string, unknown>;
      httpApi?: { authorizers?: Record<string, { issuerUrl?: unknown; audience?: unknown }> };
    };
    readonly functions: Record<string, { name?: string; environment?: Record<string, unknown> }>;
    readonly resources?: { Resources?: Record<string, CfnResource> };
    /** serverless-step-functions' section. */
    readonly stepFunctions?: { stateMachines?: Record<string, { id?: string; name?: string }> };
  };
  /** The configuration as written, which serverless-step-functions reads its state machines from. */
  readonly configurationInput?: {
    stepFunctions?: { stateMachines?: Record<string, { id?: string; name?: string }> };
  };
  getProvider(name: 'aws'): {
    naming: { getLambdaLogicalId(functionName: string): string };
    getStage(): string;
  };
}

/** The resources section plus the functions and state machines, enough to evaluate intrinsics. */
function serviceTemplate(serverless: ServerlessLike): CfnTemplate {
  const { service } = serverless;

  const provider = serverless.getProvider('aws');
  const resources: Record<string, CfnResource> = { ...(service.resources?.Resources ?? {}) };
  for (const [key, fn] of Object.entries(service.functions)) {
    resources[provider.naming.getLambdaLogicalId(key)] = {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: fn.name ?? `${service.service}-${provider.getStage()}-${key}` },
    };
  }
  const machines =
    serverless.configurationInput?.stepFunctions?.stateMachines ?? service.stepFunctions?.stateMachines ?? {};
  for (const [key, machine] of Object.entries(machines)) {
    // serverless-step-functions' logical id when the definition gives no `id`.
    const logicalId = machine.id ?? `${key.charAt(0).toUpperCase()}${key.slice(1)}StepFunctionsStateMachine`;
    resources[logicalId] = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { StateMachineName: machine.name ?? `${key}StepFunctionsStateMachine` },
    };
  }
  return { Resources: resources };
}

const resolveAll = (
  template: CfnTemplate,
  env: Record<string, unknown> | undefined,
  ctx: Parameters<typeof resolveIntrinsic>[2],
) => {
  if (!env) return;
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'object' && value !== null)
      env[name] = String(resolveIntrinsic(template, value, ctx));
  }
};

/**
 * Replaces CloudFormation intrinsics in function environments (`!Ref Topic`, `!GetAtt Queue.Arn`, …)
 * with the values they have in the local stack, so `sls invoke local` hands
 * handlers the same plain strings that CloudFormation hands them in the cloud.
 */
export function resolveServiceEnvironment(serverless: ServerlessLike): void {
  const template = serviceTemplate(serverless);
  const ctx = {
    region: serverless.service.provider.region ?? 'us-east-1',
    endpoint: process.env.AWS_ENDPOINT_URL || 'http://127.0.0.1:4566',
  };
  resolveAll(template, serverless.service.provider.environment, ctx);
  for (const fn of Object.values(serverless.service.functions)) resolveAll(template, fn.environment, ctx);
  // Tools that read the service's JWT authorizers compare a token's `iss` and `aud` as plain strings.
  for (const authorizer of Object.values(serverless.service.provider.httpApi?.authorizers ?? {})) {
    if (authorizer.issuerUrl !== undefined)
      authorizer.issuerUrl = String(resolveIntrinsic(template, authorizer.issuerUrl, ctx));
    if (authorizer.audience !== undefined)
      authorizer.audience = [authorizer.audience]
        .flat()
        .map((a) => String(resolveIntrinsic(template, a, ctx)));
  }
}
