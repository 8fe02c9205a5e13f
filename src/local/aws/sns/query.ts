/**
 * The AWS query protocol's form body, as a tree: `A.B.1.C=v` becomes A → B → 1 → C = v. Lists are
 * `Name.member.N...`, maps are `Name.entry.N.<key>` / `Name.entry.N.<value>` (SNS message attributes use
 * `Name`/`Value`, attribute maps `key`/`value`).
 */
export class QueryNode {
  value: string | undefined;
  readonly children = new Map<string, QueryNode>();

  child(name: string): QueryNode | undefined {
    return this.children.get(name);
  }

  /** The string at a dotted path, e.g. `Value.DataType`. */
  at(path: string): QueryNode | undefined {
    return path.split('.').reduce<QueryNode | undefined>((node, part) => node?.child(part), this);
  }

  get(path: string): string | undefined {
    return this.at(path)?.value;
  }

  has(path: string): boolean {
    return this.at(path) !== undefined;
  }

  /** The numbered children of `<key>.<marker>` (`member` or `entry`), in index order. */
  indexed(key: string, marker: 'member' | 'entry'): QueryNode[] {
    const container = this.child(key)?.child(marker);
    if (!container) return [];
    return [...container.children.entries()]
      .filter(([index]) => /^\d+$/.test(index))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, node]) => node);
  }

  /** A `key`/`value` map such as `Attributes.entry.N.key`. */
  stringMap(key: string, keyName = 'key', valueName = 'value'): Map<string, string> {
    const map = new Map<string, string>();
    for (const entry of this.indexed(key, 'entry')) {
      const name = entry.get(keyName);
      if (name !== undefined) map.set(name, entry.get(valueName) ?? '');
    }
    return map;
  }
}

export function parseQuery(body: Buffer | string): QueryNode {
  const root = new QueryNode();
  const params = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split('.')) {
      let next = node.children.get(part);
      if (!next) {
        next = new QueryNode();
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}
