/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

const meta = (name: string): string =>
  document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

export const stack = {
  awsUrl: meta('orderflow-aws'),
  stage: meta('orderflow-stage'),
  region: meta('orderflow-region'),
};

export class AwsError extends Error {
  override readonly name = 'AwsError';
}

const PROTOCOLS = {
  sqs: { prefix: 'AmazonSQS', contentType: 'application/x-amz-json-1.0' },
  dynamodb: { prefix: 'DynamoDB_20120810', contentType: 'application/x-amz-json-1.0' },
  states: { prefix: 'AWSStepFunctions', contentType: 'application/x-amz-json-1.0' },
} as const;

/**
 * One call to the local AWS endpoint in the services' JSON protocol, as an SDK sends it. The local
 * endpoint needs no signature (it takes any credentials), so the page holds none.
 */
export async function aws<T>(service: keyof typeof PROTOCOLS, operation: string, input: object): Promise<T> {
  const { prefix, contentType } = PROTOCOLS[service];
  const response = await fetch(stack.awsUrl, {
    method: 'POST',
    headers: { 'x-amz-target': `${prefix}.${operation}`, 'content-type': contentType },
    body: JSON.stringify(input),
  });
  const body = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string };
  if (!response.ok) {
    throw new AwsError(
      `${operation}: ${String(body.__type ?? response.status)} ${String(body.message ?? '')}`,
    );
  }
  return body;
}

type AttributeValue = Partial<{
  S: string;
  N: string;
  BOOL: boolean;
  NULL: boolean;
  L: AttributeValue[];
  M: Record<string, AttributeValue>;
  SS: string[];
  NS: string[];
}>;

/** DynamoDB's typed JSON to plain values (what the SDK's unmarshall does, for the types the tables hold). */
export function unmarshall(item: Record<string, AttributeValue>): Record<string, unknown> {
  const value = (v: AttributeValue): unknown => {
    if (v.S !== undefined) return v.S;
    if (v.N !== undefined) return Number(v.N);
    if (v.BOOL !== undefined) return v.BOOL;
    if (v.NULL) return null;
    if (v.L) return v.L.map(value);
    if (v.M) return unmarshall(v.M);
    if (v.SS) return v.SS;
    if (v.NS) return v.NS.map(Number);
    return undefined;
  };
  return Object.fromEntries(Object.entries(item).map(([key, v]) => [key, value(v)]));
}

/** Every item of a table (the local read model is small; a cloud console would query an index). */
export async function scanAll(tableName: string, limit = 20_000): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: unknown;
  do {
    const page = await aws<{ Items?: Record<string, AttributeValue>[]; LastEvaluatedKey?: unknown }>(
      'dynamodb',
      'Scan',
      { TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) },
    );
    items.push(...(page.Items ?? []).map(unmarshall));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

export const tableName = (table: string): string => `orderflow-${stack.stage}-${table}`;
