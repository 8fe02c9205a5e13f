/*
 * The envelope ids one partition counted last, as fixed-width digests in one string. They catch what the
 * offset cursor cannot: the same event produced again at a new offset (a relay retrying its batch), which
 * arrives soon after the first. Bounded, unlike a list of every id of a minute, which grew with the
 * minute's events until the item passed DynamoDB's 400 KB: a repeat arriving more than CAPACITY records
 * after its original in the partition is counted again (as Kafka's own idempotent producer, the window
 * is a number of records, not a time).
 */

/** Records remembered per partition: 8,192 digests of 14 characters, 112 KiB in the cursor item. */
export const RECENT_IDS_CAPACITY = 8192;

const DIGEST_CHARS = 14;

/**
 * A 64-bit digest of an id (cyrb53's mixing, both 32-bit halves kept), as 14 base-36 characters: ids
 * are ULIDs or UUIDs, far longer, and 64 bits make a collision within one window (~2^-38) negligible.
 */
export const digestOf = (id: string): string => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i += 1) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const half = (h: number) => (h >>> 0).toString(36).padStart(DIGEST_CHARS / 2, '0');
  return half(h1) + half(h2);
};

/** The window while one batch is ingested: digests in a Set, written back oldest first. */
export class RecentIds {
  private readonly digests: string[];
  private readonly known: Set<string>;

  constructor(
    encoded: string,
    private readonly capacity = RECENT_IDS_CAPACITY,
  ) {
    this.digests = [];
    for (let at = 0; at + DIGEST_CHARS <= encoded.length; at += DIGEST_CHARS)
      this.digests.push(encoded.slice(at, at + DIGEST_CHARS));
    this.known = new Set(this.digests);
  }

  /** Adds the id unless it is in the window; says whether it was new. */
  add(id: string): boolean {
    const digest = digestOf(id);
    if (this.known.has(digest)) return false;
    this.known.add(digest);
    this.digests.push(digest);
    return true;
  }

  /** The latest `capacity` digests, oldest first, concatenated. */
  encode(): string {
    return this.digests.slice(-this.capacity).join('');
  }
}
