import * as hdr from 'hdr-histogram-js';

/*
 * Saga durations (placed → terminal) as an HDR histogram: mergeable (a 5-minute view is the sum of its
 * 1-minute buckets) and serialisable to a compact base64 string stored with the bucket. Two significant
 * digits keep the encoded form small (tens of bytes) with a relative error under 1%.
 */

const HIGHEST_TRACKABLE_MS = 7 * 24 * 60 * 60 * 1000;

const newHistogram = (): hdr.Histogram =>
  hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_MS,
    numberOfSignificantValueDigits: 2,
  });

/** The encoded form of an empty sketch is the empty string, so empty buckets stay small. */
export type EncodedSketch = string;

export const EMPTY_SKETCH: EncodedSketch = '';

const decode = (sketch: EncodedSketch): hdr.Histogram => {
  const histogram = newHistogram();
  if (sketch !== EMPTY_SKETCH) histogram.add(hdr.decodeFromCompressedBase64(sketch));
  return histogram;
};

const encode = (histogram: hdr.Histogram): EncodedSketch =>
  histogram.totalCount === 0 ? EMPTY_SKETCH : hdr.encodeIntoCompressedBase64(histogram);

/** Durations are clamped into the trackable range: a clock skew of a few ms must not throw. */
export const recordDurations = (sketch: EncodedSketch, durationsMs: readonly number[]): EncodedSketch => {
  if (durationsMs.length === 0) return sketch;
  const histogram = decode(sketch);
  for (const durationMs of durationsMs)
    histogram.recordValue(Math.min(Math.max(Math.round(durationMs), 1), HIGHEST_TRACKABLE_MS));
  return encode(histogram);
};

export const mergeSketches = (sketches: readonly EncodedSketch[]): EncodedSketch => {
  const merged = newHistogram();
  for (const sketch of sketches) if (sketch !== EMPTY_SKETCH) merged.add(decode(sketch));
  return encode(merged);
};

export interface DurationPercentiles {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

export const percentilesOf = (sketch: EncodedSketch): DurationPercentiles => {
  const histogram = decode(sketch);
  const count = histogram.totalCount;
  const at = (p: number): number | null => (count === 0 ? null : histogram.getValueAtPercentile(p));
  return { count, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99) };
};
