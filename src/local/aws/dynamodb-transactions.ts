import { createHash } from 'node:crypto';
import { AwsServiceError } from './protocol';

type Item = Record<string, unknown>;

/** One write of a transaction, as TransactWriteItems names it. */
interface TransactItem {
  ConditionCheck?: { TableName: string; Key: Item; ConditionExpression: string } & Item;
  Put?: { TableName: string; Item: Item } & Item;
  Update?: { TableName: string; Key: Item } & Item;
  Delete?: { TableName: string; Key: Item } & Item;
}

export interface TransactWriteRequest {
  TransactItems?: TransactItem[];
  ClientRequestToken?: string;
}

export interface CallResult {
  readonly status: number;
  readonly body: { __type?: string; message?: string; Attributes?: Item };
}

/** What a transaction needs from the DynamoDB service it runs in. */
export interface TransactionBackend {
  /** A write through the service's usual path (stream capture included); changes are held back. */
  write(operation: string, body: Item): Promise<CallResult>;
  /** A write straight to the store, bypassing capture: for undoing. */
  raw(operation: string, body: Item): Promise<CallResult>;
  keyNames(tableName: string): Promise<readonly string[]>;
}

const TOKEN_TTL_MS = 10 * 60 * 1000;
const MAX_ITEMS = 100;

export class TransactionCanceledError extends AwsServiceError {
  constructor(readonly reasons: { Code: string; Message?: string }[]) {
    super(
      'TransactionCanceledException',
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    );
  }
}

const isConditionFailure = (result: CallResult) =>
  (result.body.__type ?? '').includes('ConditionalCheckFailed');

/**
 * TransactWriteItems on top of a store that has no transactions (dynalite): under the service's write
 * lock, each write runs with its condition and its previous image saved; the first failed condition
 * undoes what ran, in reverse, and cancels with AWS's CancellationReasons. Writers therefore see all or
 * nothing. Readers are not isolated: a read racing a transaction may see part of it.
 */
export class TransactionRunner {
  private readonly tokens = new Map<string, { hash: string; at: number }>();

  async run(request: TransactWriteRequest, backend: TransactionBackend, now = Date.now()): Promise<void> {
    const items = request.TransactItems ?? [];
    if (items.length === 0 || items.length > MAX_ITEMS) {
      throw new AwsServiceError(
        'ValidationException',
        `TransactItems must have between 1 and ${MAX_ITEMS} items`,
      );
    }
    const hash = createHash('sha256').update(JSON.stringify(items)).digest('hex');
    if (request.ClientRequestToken) {
      const seen = this.tokens.get(request.ClientRequestToken);
      if (seen && now - seen.at < TOKEN_TTL_MS) {
        if (seen.hash === hash) return;
        throw new AwsServiceError(
          'IdempotentParameterMismatchException',
          'The ClientRequestToken was used with different items',
        );
      }
    }
    const keys = await this.distinctKeys(items, backend);

    const undo: { operation: string; body: Item }[] = [];
    for (const [index, entry] of items.entries()) {
      const result = await this.apply(entry, backend);
      if (result.status === 200) {
        undo.push(...this.undoOf(entry, keys[index] ?? {}, result.body.Attributes));
        continue;
      }
      for (const step of undo.reverse()) await backend.raw(step.operation, step.body);
      if (isConditionFailure(result)) {
        throw new TransactionCanceledError(
          items.map((_, i) =>
            i === index
              ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }
              : { Code: 'None' },
          ),
        );
      }
      throw new AwsServiceError('ValidationException', result.body.message ?? 'Invalid transaction item');
    }
    if (request.ClientRequestToken) this.tokens.set(request.ClientRequestToken, { hash, at: now });
  }

  private async apply(entry: TransactItem, backend: TransactionBackend): Promise<CallResult> {
    if (entry.Put) return backend.write('PutItem', { ...entry.Put, ReturnValues: 'ALL_OLD' });
    if (entry.Update) return backend.write('UpdateItem', { ...entry.Update, ReturnValues: 'ALL_OLD' });
    if (entry.Delete) return backend.write('DeleteItem', { ...entry.Delete, ReturnValues: 'ALL_OLD' });
    if (entry.ConditionCheck) {
      // A condition with no write: delete under the condition, then put back what was there.
      const { TableName, Key, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } =
        entry.ConditionCheck;
      const result = await backend.raw('DeleteItem', {
        TableName,
        Key,
        ConditionExpression,
        ExpressionAttributeNames,
        ExpressionAttributeValues,
        ReturnValues: 'ALL_OLD',
      });
      if (result.status === 200 && result.body.Attributes) {
        await backend.raw('PutItem', { TableName, Item: result.body.Attributes });
      }
      return { status: result.status, body: { ...result.body, Attributes: undefined } };
    }
    return {
      status: 400,
      body: { __type: 'ValidationException', message: 'Each TransactItem needs one operation' },
    };
  }

  /** How to put back what one successful write changed: its previous image, or no item at all. */
  private undoOf(
    entry: TransactItem,
    key: Item,
    previous: Item | undefined,
  ): { operation: string; body: Item }[] {
    const written = entry.Put ?? entry.Update ?? entry.Delete;
    if (!written) return [];
    if (previous) return [{ operation: 'PutItem', body: { TableName: written.TableName, Item: previous } }];
    return entry.Delete
      ? []
      : [{ operation: 'DeleteItem', body: { TableName: written.TableName, Key: key } }];
  }

  /** The key of each item, refusing a transaction that names one item twice (as AWS does). */
  private async distinctKeys(items: TransactItem[], backend: TransactionBackend): Promise<Item[]> {
    const seen = new Set<string>();
    const keys: Item[] = [];
    for (const entry of items) {
      const op = entry.Put ?? entry.Update ?? entry.Delete ?? entry.ConditionCheck;
      if (!op) {
        keys.push({});
        continue;
      }
      const names = entry.Put ? await backend.keyNames(entry.Put.TableName) : [];
      const key = entry.Put
        ? Object.fromEntries(names.map((name) => [name, entry.Put?.Item[name]]))
        : ((op as { Key?: Item }).Key ?? {});
      const id = `${op.TableName}|${JSON.stringify(key)}`;
      if (seen.has(id)) {
        throw new AwsServiceError(
          'ValidationException',
          'Transaction request cannot include multiple operations on one item',
        );
      }
      seen.add(id);
      keys.push(key);
    }
    return keys;
  }
}
