import { resourcesOfType, type CfnTemplate } from '../template';
import { resolveArn } from '../template-arns';
import { referencedLogicalId, referencedName } from '../template-refs';

/** A DynamoDB stream → Lambda event source mapping, as the compiled template declares it. */
export interface StreamMapping {
  readonly logicalId: string;
  readonly functionName: string;
  readonly tableName: string;
  readonly batchSize: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly onFailureDestination?: string;
  readonly enabled: boolean;
}

export function streamMappingsFromTemplate(template: CfnTemplate, region: string): StreamMapping[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const sourceId = referencedLogicalId(p.EventSourceArn);
    const source = sourceId ? template.Resources[sourceId] : undefined;
    if (source?.Type !== 'AWS::DynamoDB::Table') return [];
    const destination = (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
      ?.OnFailure?.Destination;
    return [
      {
        logicalId,
        functionName: referencedName(template, p.FunctionName, 'FunctionName'),
        tableName: referencedName(template, p.EventSourceArn, 'TableName'),
        batchSize: typeof p.BatchSize === 'number' ? p.BatchSize : 100,
        startingPosition: p.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
        maximumRetryAttempts: typeof p.MaximumRetryAttempts === 'number' ? p.MaximumRetryAttempts : -1,
        bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
        reportBatchItemFailures: Array.isArray(p.FunctionResponseTypes)
          ? p.FunctionResponseTypes.includes('ReportBatchItemFailures')
          : false,
        onFailureDestination:
          destination === undefined ? undefined : resolveArn(template, destination, region),
        enabled: p.Enabled !== false,
      },
    ];
  });
}
