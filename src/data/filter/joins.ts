import type { JoinDef } from './plan.ts';

/** Hands out short unique aliases (`__j1`, `__j2`, …) for one compilation. */
export class AliasSource {
  #next = 0;
  next(): string {
    return `__j${++this.#next}`;
  }
}

/**
 * Collects joins, reusing one join for every reference to the same path, the way
 * PocketBase shares a join alias between expressions that name the same relation.
 */
export class JoinRegistry {
  readonly joins: JoinDef[] = [];
  readonly names: AliasSource;
  #byKey = new Map<string, string>();

  constructor(names: AliasSource) {
    this.names = names;
  }

  /** Returns the alias registered under `key`, registering `make(alias)` the first time. */
  add(key: string, make: (alias: string) => JoinDef): string {
    const known = this.#byKey.get(key);
    if (known) return known;
    const alias = this.names.next();
    this.#byKey.set(key, alias);
    this.joins.push(make(alias));
    return alias;
  }
}
