import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { FieldIssue } from '../../domain/shared/errors';
import { issuesFromDecodeErrors } from '../../domain/shared/io-ts-issues';

/**
 * An item (or key) read back from a table that is not what this code writes there: written by hand, by
 * a bug, or by a version whose shape this one no longer reads. Not the caller's fault, so not a domain
 * error: an API answers it 500, a worker fails the message. Names the table, the item's key and every
 * failing path, never the item's other values (they may be personal data).
 */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';

  constructor(
    readonly table: string,
    readonly key: Readonly<Record<string, unknown>>,
    readonly issues: readonly FieldIssue[],
  ) {
    super(
      `${table} item ${JSON.stringify(key)} does not decode: ${issues
        .map((issue) => `${issue.path || '(item)'} ${issue.rule}`)
        .join(', ')}`,
    );
  }
}

/** Where an item comes from: its table, and the attributes that name it (the table's or index's key). */
export interface ItemSource {
  readonly table: string;
  readonly keyNames: readonly string[];
}

const keyOf = (item: unknown, keyNames: readonly string[]): Record<string, unknown> => {
  const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
  return Object.fromEntries(keyNames.map((name) => [name, record[name]]));
};

/**
 * The item as `codec` reads it, or CorruptItemError. io-ts returns a valid item as it is (no copy), so
 * a page of items costs one walk over their fields and nothing more.
 */
export const decodeItem = <A>(codec: t.Decoder<unknown, A>, item: unknown, source: ItemSource): A => {
  const decoded = codec.decode(item);
  if (E.isLeft(decoded)) {
    throw new CorruptItemError(
      source.table,
      keyOf(item, source.keyNames),
      issuesFromDecodeErrors(decoded.left),
    );
  }
  return decoded.right;
};

/** Every item of a page decoded (the first that does not decode throws). */
export const decodeItems = <A>(
  codec: t.Decoder<unknown, A>,
  items: readonly unknown[] | undefined,
  source: ItemSource,
): A[] => (items ?? []).map((item) => decodeItem(codec, item, source));
