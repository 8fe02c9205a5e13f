import type { PreparedDefinition } from './definition';
import type { History } from './history';

export type StateMachineType = 'STANDARD' | 'EXPRESS';
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export const EXECUTION_STATUSES: ReadonlySet<string> = new Set([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

export interface StateMachineRecord {
  readonly name: string;
  readonly arn: string;
  readonly type: StateMachineType;
  readonly roleArn: string;
  readonly definition: PreparedDefinition;
  /** Epoch ms. */
  readonly creationDate: number;
  readonly loggingConfiguration: Record<string, unknown>;
  readonly tracingConfiguration: Record<string, unknown>;
}

export interface ExecutionRecord {
  readonly arn: string;
  readonly name: string;
  readonly stateMachine: StateMachineRecord;
  /** The input as given (JSON text). */
  readonly input: string;
  /** Epoch ms. */
  readonly startDate: number;
  readonly history: History;
  status: ExecutionStatus;
  stopDate?: number;
  /** JSON text. */
  output?: string;
  error?: string;
  cause?: string;
}

/** ARNs of the local Step Functions, in one region and account. */
export class StepFunctionsArns {
  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  stateMachine(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  execution(machine: StateMachineRecord, name: string, id: string): string {
    return machine.type === 'EXPRESS'
      ? `arn:aws:states:${this.region}:${this.accountId}:express:${machine.name}:${name}:${id}`
      : `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
  }
}

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:([A-Za-z]+):(.+)$/;

/** The resource type (`stateMachine`, `execution`, `express`) of a states ARN, or undefined if malformed. */
export function statesArnKind(arn: string): string | undefined {
  return ARN.exec(arn)?.[1];
}

const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

const isControl = (code: number): boolean => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

/** Execution and state machine names: 1-80 characters, none of whitespace, brackets, wildcards, specials. */
export function isValidName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) return false;
  for (let i = 0; i < name.length; i += 1) if (isControl(name.charCodeAt(i))) return false;
  return true;
}
