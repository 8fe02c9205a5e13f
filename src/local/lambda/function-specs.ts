import { join } from 'node:path';
import { resolveIntrinsic, type IntrinsicContext } from '../intrinsics';
import { resourcesOfType, type CfnTemplate } from '../template';

/** What the offline runtime needs to run one function as Lambda would: read from the compiled template. */
export interface FunctionSpec {
  /** The deployed name (`orderflow-local-placeOrder`), which invokers address. */
  readonly name: string;
  readonly logicalId: string;
  /** The package artifact `sls package` built for it (the zip that deploys), or a folder of code. */
  readonly artifact: string;
  /** `src/handlers/orders/place-order.handler`: the module path inside the artifact and its export. */
  readonly handler: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** ReservedConcurrentExecutions, when the template sets it. */
  readonly reservedConcurrency?: number;
  /** The function's environment with its intrinsics given their local values. */
  readonly environment: Readonly<Record<string, string>>;
}

export class FunctionSpecError extends Error {
  override readonly name = 'FunctionSpecError';
}

const S3_KEY_ARTIFACT = /([^/]+\.zip)$/;

/**
 * Every `AWS::Lambda::Function` of the compiled template, with its artifact in `packageDir` (where
 * `sls package` wrote the zips that CloudFormation deploys) and its environment resolved locally.
 */
export function functionSpecsFromTemplate(
  template: CfnTemplate,
  packageDir: string,
  ctx: IntrinsicContext,
): FunctionSpec[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const code = p.Code as { S3Key?: unknown } | undefined;
    const artifact = typeof code?.S3Key === 'string' ? S3_KEY_ARTIFACT.exec(code.S3Key)?.[1] : undefined;
    if (typeof p.FunctionName !== 'string' || typeof p.Handler !== 'string' || !artifact) {
      throw new FunctionSpecError(`${logicalId}: the template gives no FunctionName, Handler or package`);
    }
    const variables = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [key, String(resolveIntrinsic(template, value, ctx))]),
    );
    return {
      name: p.FunctionName,
      logicalId,
      artifact: join(packageDir, artifact),
      handler: p.Handler,
      // Lambda's defaults when the template leaves them out.
      timeoutMs: (typeof p.Timeout === 'number' ? p.Timeout : 3) * 1000,
      memoryMb: typeof p.MemorySize === 'number' ? p.MemorySize : 128,
      reservedConcurrency:
        typeof p.ReservedConcurrentExecutions === 'number' ? p.ReservedConcurrentExecutions : undefined,
      environment,
    };
  });
}
