import type { CfnTemplate } from './template';

export class UnresolvableReferenceError extends Error {
  override readonly name = 'UnresolvableReferenceError';
}

/** The logical id a `{"Fn::GetAtt": [id, attr]}` or `{"Ref": id}` points at. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const ref = (value as { Ref?: unknown }).Ref;
  return typeof ref === 'string' ? ref : undefined;
}

/** A resource's literal property (a name) through a reference to it, e.g. a function's FunctionName. */
export function referencedName(template: CfnTemplate, value: unknown, property: string): string {
  if (typeof value === 'string') return value;
  const id = referencedLogicalId(value);
  const name = id ? template.Resources[id]?.Properties?.[property] : undefined;
  if (typeof name !== 'string') {
    throw new UnresolvableReferenceError(`Cannot resolve ${JSON.stringify(value)} to a literal ${property}`);
  }
  return name;
}
