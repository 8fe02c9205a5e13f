import type { AlertClearedData, AlertEvent, AlertRaisedData, OpenAnomalies } from '../../domain/analytics';
import type { CepState } from '../../domain/analytics/rules';

/** What an alert item gets: a raised alert is written whole, a cleared one gets its `clearedAt`. */
export type AlertItemWrite =
  | { readonly kind: 'raised'; readonly data: AlertRaisedData }
  /** `raisedAt` locates the item (alert items sort by it). */
  | { readonly kind: 'cleared'; readonly data: AlertClearedData; readonly raisedAt: string };

/** An alert committed but not yet on the bus. */
export interface PendingAlert {
  readonly write: AlertItemWrite;
  /** Epoch ms of the commit: another invocation publishes it only once it is older than the grace period. */
  readonly committedAt: number;
  /** False when the commit's transaction had no room for its item: delivery writes it first. */
  readonly stored: boolean;
}

/** The single CEP state item: rules span partitions, so there is one state for the whole topic. */
export interface CepRecord {
  readonly state: CepState;
  /** Next offset to evaluate, per topic-partition: records below it were evaluated (redelivery). */
  readonly offsets: Readonly<Record<string, number>>;
  /** `raisedAt` of each open alert by alertId, so its AlertCleared can find the alert item. */
  readonly raisedAt: Readonly<Record<string, string>>;
  readonly unpublished: readonly PendingAlert[];
  /** The tick's anomaly scoring; absent until the first tick scores (and in records stored before it). */
  readonly anomaly?: AnomalyProgress;
}

/** How far the tick has scored the per-minute series, and the anomaly alerts it left open. */
export interface AnomalyProgress {
  /** Epoch ms: every minute starting before it is scored (or was skipped). */
  readonly scoredUntil: number;
  readonly open: OpenAnomalies;
}

export interface StoredCepRecord extends CepRecord {
  /** Bumped by every commit; a commit names the version it read (optimistic concurrency). */
  readonly version: number;
}

/** Another invocation committed the CEP state first: evaluate again from the state it left. */
export class CepStateMoved extends Error {
  override readonly name = 'CepStateMoved';
}

export type AlertStatus = 'open' | 'cleared' | 'all';

/** An alert as GET /analytics/alerts shows it. */
export interface AlertView extends AlertRaisedData {
  readonly clearedAt: string | null;
}

export interface AlertsPage {
  readonly alerts: readonly AlertView[];
  /** The sort key of the last alert returned, when more may follow. */
  readonly after?: string;
}

export interface AlertsQuery {
  /** ISO date-time: alerts raised at or after it. */
  readonly since: string;
  readonly status: AlertStatus;
  readonly limit: number;
  /** Continue after this sort key (from a previous page). */
  readonly after?: string;
}

/** The port of the alerts pipeline and GET /analytics/alerts; DynamoDB (the analytics table) implements it. */
export interface AlertsStore {
  load(): Promise<StoredCepRecord | undefined>;
  /**
   * Writes `record` as version readVersion + 1 and the alert items of `items` in ONE transaction, if the
   * state is still at `readVersion` (0: not yet stored); throws CepStateMoved otherwise.
   */
  commit(record: CepRecord, readVersion: number, items: readonly AlertItemWrite[]): Promise<void>;
  /** Idempotent item writes outside a transaction: the alerts a commit had no room for. */
  writeItems(items: readonly AlertItemWrite[]): Promise<void>;
  /** Newest raisedAt first. */
  alerts(query: AlertsQuery): Promise<AlertsPage>;
}

/** The bus: PutEvents of AlertRaised / AlertCleared (source orderflow.analytics, detail = data). */
export interface AlertSink {
  /** The events the bus did not take (after the sink's own retries). */
  publish(events: readonly AlertEvent[]): Promise<{ readonly failed: readonly AlertEvent[] }>;
}
