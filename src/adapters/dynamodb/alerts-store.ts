import { gunzipSync, gzipSync } from 'node:zlib';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  CepStateMoved,
  type AlertItemWrite,
  type AlertsPage,
  type AlertsQuery,
  type AlertsStore,
  type AlertView,
  type CepRecord,
  type StoredCepRecord,
} from '../../application/analytics/alerts-store';

/*
 * The alerts' part of the analytics table (docs/analytics.md, "Alerts"):
 * - `cep` / `state`: the one CEP state item, `version` plus `body`, the gzipped JSON of the CepRecord
 *   (rule states, per-partition offsets, open alerts' raisedAt, the unpublished list): gzip keeps a busy
 *   topic's rule state well under DynamoDB's 400 KB item limit. `unpublished` counts the list, for operators.
 * - `alerts` / `<raisedAt>#<alertId>`: one item per alert, newest first by sort key, kept 30 days.
 */

const STATE_KEY = { pk: 'cep', sk: 'state' } as const;
const ALERTS_PK = 'alerts';
const ALERT_TTL_SECONDS = 30 * 24 * 3600;

const alertKey = (raisedAt: string, alertId: string) => ({ pk: ALERTS_PK, sk: `${raisedAt}#${alertId}` });
const expiresAt = (raisedAt: string) => Math.floor(Date.parse(raisedAt) / 1000) + ALERT_TTL_SECONDS;

const keyOf = (write: AlertItemWrite) =>
  alertKey(write.kind === 'raised' ? write.data.raisedAt : write.raisedAt, write.data.alertId);

/**
 * One update per alert item: a transaction may not touch an item twice, and one batch can raise an alert
 * and clear it again.
 */
function itemUpdates(tableName: string, writes: readonly AlertItemWrite[]) {
  const byItem = new Map<string, { raised?: AlertItemWrite; cleared?: AlertItemWrite }>();
  for (const write of writes) {
    const key = keyOf(write).sk;
    byItem.set(key, { ...byItem.get(key), [write.kind]: write });
  }
  return [...byItem.values()].map(({ raised, cleared }) => {
    if (!raised) return itemUpdate(tableName, cleared as AlertItemWrite);
    const update = itemUpdate(tableName, raised);
    if (cleared?.kind !== 'cleared') return update;
    return {
      ...update,
      UpdateExpression: update.UpdateExpression.replace(
        'clearedAt = if_not_exists(clearedAt, :none)',
        'clearedAt = :clearedAt',
      ),
      ExpressionAttributeValues: {
        ...Object.fromEntries(
          Object.entries(update.ExpressionAttributeValues).filter(([name]) => name !== ':none'),
        ),
        ':clearedAt': cleared.data.clearedAt,
      },
    };
  });
}

/** One alert item write: an update either way, so a raise and its clear may land in any order. */
function itemUpdate(tableName: string, write: AlertItemWrite) {
  if (write.kind === 'cleared') {
    return {
      TableName: tableName,
      Key: alertKey(write.raisedAt, write.data.alertId),
      UpdateExpression: 'SET clearedAt = :clearedAt',
      ExpressionAttributeValues: { ':clearedAt': write.data.clearedAt },
    };
  }
  const { alertId, ruleId, severity, subject, summary, evidence, window, raisedAt } = write.data;
  return {
    TableName: tableName,
    Key: alertKey(raisedAt, alertId),
    UpdateExpression:
      'SET alertId = :alertId, ruleId = :ruleId, severity = :severity, subject = :subject, summary = :summary, ' +
      'evidence = :evidence, #window = :window, raisedAt = :raisedAt, expiresAt = :expiresAt, ' +
      'clearedAt = if_not_exists(clearedAt, :none)',
    ExpressionAttributeNames: { '#window': 'window' },
    ExpressionAttributeValues: {
      ':alertId': alertId,
      ':ruleId': ruleId,
      ':severity': severity,
      ':subject': subject,
      ':summary': summary,
      ':evidence': [...evidence],
      ':window': { start: window.start, end: window.end },
      ':raisedAt': raisedAt,
      ':expiresAt': expiresAt(raisedAt),
      ':none': null,
    },
  };
}

interface AlertItem extends AlertView {
  readonly sk: string;
}

/** A whole alert item (a clear whose raise is not written yet has only `clearedAt`, and is not shown). */
const isWhole = (item: Record<string, unknown>): boolean =>
  typeof item.alertId === 'string' && typeof item.raisedAt === 'string';

const viewOf = (item: AlertItem): AlertView => ({
  alertId: item.alertId,
  ruleId: item.ruleId,
  severity: item.severity,
  subject: item.subject,
  summary: item.summary,
  evidence: item.evidence ?? [],
  window: { start: item.window.start, end: item.window.end },
  raisedAt: item.raisedAt,
  clearedAt: typeof item.clearedAt === 'string' ? item.clearedAt : null,
});

/** Raw items read per page while filtering by status. */
const QUERY_PAGE = 200;

export class DynamoAlertsStore implements AlertsStore {
  /**
   * The state as this store last read or committed it. A warm function is usually the only writer
   * (reserved concurrency 1), so the next load finds the item at this version and reads only the
   * version, not the whole gzipped state again. Never changed once here: callers do not mutate what
   * `load` returns (the rules engine works on its own copy).
   */
  private last: StoredCepRecord | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(): Promise<StoredCepRecord | undefined> {
    if (this.last) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: STATE_KEY,
          ConsistentRead: true,
          ProjectionExpression: 'version',
        }),
      );
      if (Item?.version === this.last.version) return this.last;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: STATE_KEY, ConsistentRead: true }),
    );
    if (!Item) return (this.last = undefined);
    const body = JSON.parse(gunzipSync(Item.body as Uint8Array).toString('utf8')) as CepRecord;
    return (this.last = { ...body, version: Item.version as number });
  }

  async commit(record: CepRecord, readVersion: number, items: readonly AlertItemWrite[]): Promise<void> {
    const body = gzipSync(JSON.stringify(record));
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...STATE_KEY,
                  version: readVersion + 1,
                  body,
                  unpublished: record.unpublished.length,
                },
                ConditionExpression: readVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :read',
                ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':read': readVersion } }),
              },
            },
            ...itemUpdates(this.tableName, items).map((update) => ({ Update: update })),
          ],
        }),
      );
      this.last = { ...record, version: readVersion + 1 };
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new CepStateMoved(`the CEP state was committed past version ${readVersion}`);
      }
      throw error;
    }
  }

  async writeItems(items: readonly AlertItemWrite[]): Promise<void> {
    for (const update of itemUpdates(this.tableName, items)) {
      await this.client.send(new UpdateCommand(update));
    }
  }

  async alerts(query: AlertsQuery): Promise<AlertsPage> {
    const wanted = (view: AlertView) =>
      query.status === 'all' || (query.status === 'open') === (view.clearedAt === null);
    const found: AlertItem[] = [];
    let startKey: Record<string, unknown> | undefined =
      query.after === undefined ? undefined : { pk: ALERTS_PK, sk: query.after };
    // One more than asked for says whether another page follows.
    while (found.length <= query.limit) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': ALERTS_PK, ':since': query.since },
          ScanIndexForward: false,
          Limit: QUERY_PAGE,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (isWhole(item) && wanted(viewOf(item as AlertItem))) found.push(item as AlertItem);
        if (found.length > query.limit) break;
      }
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    const shown = found.slice(0, query.limit);
    const last = shown[shown.length - 1];
    return {
      alerts: shown.map(viewOf),
      ...(found.length > query.limit && last ? { after: last.sk } : {}),
    };
  }
}
