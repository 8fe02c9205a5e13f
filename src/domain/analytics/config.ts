/** Windowing settings; per stage in the function's environment, defaults here. */
export interface WindowingConfig {
  /** How far behind the watermark an event may be and still land in its window. */
  readonly allowedLatenessMs: number;
  /** How many SKUs a view lists, by quantity. */
  readonly topSkuCount: number;
}

export const BUCKET_MS = 60_000;

export const DEFAULT_WINDOWING: WindowingConfig = { allowedLatenessMs: 2 * 60_000, topSkuCount: 10 };

/** Start (epoch ms) of the 1-minute bucket an instant falls in. */
export const bucketStartOf = (epochMs: number): number => Math.floor(epochMs / BUCKET_MS) * BUCKET_MS;
