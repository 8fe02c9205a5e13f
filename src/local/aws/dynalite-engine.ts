import { crc32 } from 'node:zlib';
import { create, type DynaliteStore } from 'dynalite/db';
import * as validations from 'dynalite/validations';

/** What dynalite answers: the status, headers and body its HTTP server would have sent. */
export interface EngineResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

interface DynaliteError {
  readonly statusCode: number;
  readonly body: unknown;
}

type ActionCallback = (error: DynaliteError | Error | null, data?: unknown) => void;
type Action = (store: DynaliteStore, data: unknown, callback: ActionCallback) => void;
interface ActionValidation {
  readonly types: unknown;
  readonly custom?: unknown;
}

/** The operations dynalite implements (its own list). */
const OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

const isDynaliteError = (error: unknown): error is DynaliteError =>
  typeof error === 'object' && error !== null && 'statusCode' in error && 'body' in error;

const answer = (data: unknown, status = 200): EngineResponse => {
  const body = Buffer.from(JSON.stringify(data));
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': String(crc32(body)) },
    body,
  };
};

/**
 * dynalite's store, validations and actions called in process: what its HTTP server does after it has
 * read a request, without the loopback hop (which cost the runtime more CPU than DynamoDB itself).
 * The validation errors and answers are dynalite's own, byte for byte.
 */
export class DynaliteEngine {
  private readonly store: DynaliteStore;
  private readonly actions = new Map<string, { action: Action; validation: ActionValidation }>();

  constructor(options: { readonly path?: string } = {}) {
    this.store = create({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    for (const operation of OPERATIONS) {
      const name = validations.toLowerFirst(operation);
      /* eslint-disable @typescript-eslint/no-require-imports -- dynalite loads its actions by name too */
      this.actions.set(operation, {
        action: require(`dynalite/actions/${name}`) as Action,
        validation: require(`dynalite/validations/${name}`) as ActionValidation,
      });
      /* eslint-enable @typescript-eslint/no-require-imports */
    }
  }

  call(operation: string, body: Buffer): Promise<EngineResponse> {
    const entry = this.actions.get(operation);
    if (!entry) {
      return Promise.resolve(answer({ __type: 'com.amazon.coral.service#UnknownOperationException' }, 400));
    }
    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch {
      return Promise.resolve(answer({ __type: 'com.amazon.coral.service#SerializationException' }, 400));
    }
    try {
      data = validations.checkTypes(data, entry.validation.types);
      validations.checkValidations(data, entry.validation.types, entry.validation.custom, this.store);
    } catch (error) {
      if (isDynaliteError(error)) return Promise.resolve(answer(error.body, error.statusCode));
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      entry.action(this.store, data, (error, result) => {
        if (!error) resolve(answer(result));
        else if (isDynaliteError(error)) resolve(answer(error.body, error.statusCode));
        else reject(error);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => resolve();
      if (this.store.lifecycleManager) this.store.lifecycleManager.gracefulClose(done);
      else this.store.db.close(done);
    });
  }
}
