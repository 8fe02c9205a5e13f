/**
 * How many items one DynamoDB request reads and writes, the unit AWS bills on-demand tables in:
 * a TransactWriteItems of three items is three (transactional) writes, a BatchWriteItem of 25 puts
 * is 25 writes. Query and Scan count one read per request (one read unit covers 4 KB, and this
 * system's queries return small pages); the items they return are counted beside.
 */
export interface ItemUsage {
  readonly table: string;
  readonly reads: number;
  readonly writes: number;
  /** Part of a TransactWriteItems / TransactGetItems: billed at two units per item. */
  readonly transactional: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const tableOf = (request: Json): string =>
  typeof request.TableName === 'string' ? request.TableName : '(unknown)';

const arrayLength = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

const SINGLE_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const SINGLE_READS = new Set(['GetItem', 'Query', 'Scan']);
const TRANSACT_WRITE_KINDS = ['Put', 'Update', 'Delete', 'ConditionCheck'] as const;

/** The item usage of one request, per table; empty for control-plane operations (CreateTable...). */
export function dynamoDbItemUsage(operation: string, request: Json): ItemUsage[] {
  if (SINGLE_WRITES.has(operation)) {
    return [{ table: tableOf(request), reads: 0, writes: 1, transactional: false }];
  }
  if (SINGLE_READS.has(operation)) {
    return [{ table: tableOf(request), reads: 1, writes: 0, transactional: false }];
  }
  if (operation === 'BatchWriteItem' && isObject(request.RequestItems)) {
    return Object.entries(request.RequestItems).map(([table, writes]) => ({
      table,
      reads: 0,
      writes: arrayLength(writes),
      transactional: false,
    }));
  }
  if (operation === 'BatchGetItem' && isObject(request.RequestItems)) {
    return Object.entries(request.RequestItems).map(([table, keysAndAttributes]) => ({
      table,
      reads: isObject(keysAndAttributes) ? arrayLength(keysAndAttributes.Keys) : 0,
      writes: 0,
      transactional: false,
    }));
  }
  if (operation === 'TransactWriteItems' && Array.isArray(request.TransactItems)) {
    return request.TransactItems.filter(isObject).map((item) => {
      const kind = TRANSACT_WRITE_KINDS.find((k) => isObject(item[k]));
      return {
        table: kind ? tableOf(item[kind] as Json) : '(unknown)',
        reads: 0,
        writes: 1,
        transactional: true,
      };
    });
  }
  if (operation === 'TransactGetItems' && Array.isArray(request.TransactItems)) {
    return request.TransactItems.filter(isObject).map((item) => ({
      table: isObject(item.Get) ? tableOf(item.Get) : '(unknown)',
      reads: 1,
      writes: 0,
      transactional: true,
    }));
  }
  return [];
}

/** Items a Query or Scan response returned (its `Count`), 0 for anything else. */
export function itemsReturned(operation: string, responseBody: string | Buffer): number {
  if (operation !== 'Query' && operation !== 'Scan') return 0;
  try {
    const response: unknown = JSON.parse(responseBody.toString());
    return isObject(response) && typeof response.Count === 'number' ? response.Count : 0;
  } catch {
    return 0;
  }
}
