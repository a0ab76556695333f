import type { Collection } from '../collection-types.ts';

/**
 * The in-memory view of every collection definition, read on every request. It is
 * replaced as a whole after each schema change, so readers never see half a change.
 */
export class CollectionRegistry {
  #byId = new Map<string, Collection>();
  #byName = new Map<string, Collection>();

  /** Replaces the whole view. */
  replaceAll(collections: Collection[]): void {
    const byId = new Map<string, Collection>();
    const byName = new Map<string, Collection>();
    for (const c of collections) {
      byId.set(c.id, c);
      byName.set(c.name.toLowerCase(), c);
    }
    this.#byId = byId;
    this.#byName = byName;
  }

  /** Adds or replaces one collection (a rename drops the old name). */
  put(collection: Collection): void {
    const previous = this.#byId.get(collection.id);
    if (previous) this.#byName.delete(previous.name.toLowerCase());
    this.#byId.set(collection.id, collection);
    this.#byName.set(collection.name.toLowerCase(), collection);
  }

  remove(id: string): void {
    const previous = this.#byId.get(id);
    if (!previous) return;
    this.#byId.delete(id);
    this.#byName.delete(previous.name.toLowerCase());
  }

  byId(id: string): Collection | undefined {
    return this.#byId.get(id);
  }

  /** Case-insensitive, as collection names are unique regardless of case. */
  byName(name: string): Collection | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /** By id first, then by name: the API accepts either. */
  find(idOrName: string): Collection | undefined {
    return this.#byId.get(idOrName) ?? this.byName(idOrName);
  }

  /** An independent copy (definitions are shared; they are replaced, never mutated). */
  clone(): CollectionRegistry {
    const copy = new CollectionRegistry();
    copy.replaceAll(this.all());
    return copy;
  }

  all(): Collection[] {
    return [...this.#byId.values()];
  }
}
