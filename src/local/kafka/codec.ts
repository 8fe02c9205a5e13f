/**
 * Kafka's primitive types (big-endian integers, int16-length strings, int32-length bytes and arrays), for the
 * non-flexible request and response versions the broker advertises. Flexible versions (compact strings and
 * tagged fields) are never advertised, so no client sends them except ApiVersions' first probe, which is
 * answered in v0 (api-versions.ts).
 */

/** A request that ends before its fields do, or carries an impossible length. */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}

export class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(bytes: number): number {
    if (bytes < 0 || this.offset + bytes > this.buffer.length) {
      throw new MalformedRequestError(`request ends early: needs ${bytes} byte(s) at ${this.offset}`);
    }
    const at = this.offset;
    this.offset += bytes;
    return at;
  }

  int8(): number {
    return this.buffer.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buffer.readInt16BE(this.need(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.need(4));
  }

  int64(): bigint {
    return this.buffer.readBigInt64BE(this.need(8));
  }

  /** An int64 offset or timestamp; Kafka's never leave the safe integer range in practice. */
  int64Number(): number {
    return Number(this.int64());
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    const at = this.need(length);
    return this.buffer.toString('utf8', at, at + length);
  }

  string(): string {
    return this.nullableString() ?? '';
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    const at = this.need(length);
    return this.buffer.subarray(at, at + length);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  /** `null` for a null array (-1), which some versions use for "all". */
  nullableArray<T>(item: (reader: Reader) => T): T[] | null {
    const length = this.int32();
    if (length === -1) return null;
    // Each item takes at least one byte, so a count beyond what is left is a lie, not a reason to allocate.
    if (length < 0 || length > this.remaining)
      throw new MalformedRequestError(`impossible array length ${length}`);
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(item(this));
    return items;
  }

  array<T>(item: (reader: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
}

export class Writer {
  private chunks: Buffer[] = [];
  private length = 0;

  private push(chunk: Buffer): this {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this;
  }

  int8(value: number): this {
    const b = Buffer.allocUnsafe(1);
    b.writeInt8(value);
    return this.push(b);
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(value);
    return this.push(b);
  }

  int32(value: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(value);
    return this.push(b);
  }

  int64(value: number | bigint): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(value));
    return this.push(b);
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, 'utf8');
    return this.int16(bytes.length).push(bytes);
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    return this.int32(value.length).push(value);
  }

  bytes(value: Buffer): this {
    return this.nullableBytes(value);
  }

  /** Raw bytes, no length: record batches inside a Fetch response's records field. */
  raw(value: Buffer): this {
    return this.push(value);
  }

  array<T>(items: readonly T[], item: (writer: Writer, value: T, index: number) => void): this {
    this.int32(items.length);
    items.forEach((value, index) => item(this, value, index));
    return this;
  }

  /** A null array (-1): Fetch's aborted transactions, as no transaction is ever written here. */
  nullArray(): this {
    return this.int32(-1);
  }

  /** The written parts in order, for a caller that joins them with a header of its own. */
  parts(): readonly Buffer[] {
    return this.chunks;
  }

  get size(): number {
    return this.length;
  }
}
