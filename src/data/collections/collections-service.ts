import type { DbDriver, Queryable } from '../../db/driver.ts';
import { ApiError } from '../../lib/errors.ts';
import type { Collection } from '../collection-types.ts';
import {
  type MigrationOperation,
  removeMigrationFile,
  writeMigrationFile,
} from '../migrations/migration-files.ts';
import { withoutSecrets } from './auth-options.ts';
import { alterTableSql, createTableSql, dropIndexesSql } from './collection-ddl.ts';
import { CollectionRegistry } from './collection-registry.ts';
import { deleteCollectionRow, loadCollections, saveCollection } from './collection-store.ts';
import { type CollectionLookup, validateCollection } from './collection-validate.ts';

export interface CollectionsServiceOptions {
  db: DbDriver;
  /** where schema changes are written as migration files; null to not record them */
  migrationsDir: string | null;
  /** compiles a rule against a collection; answers an error message or null */
  checkRule(collection: Collection, rule: string, registry: CollectionRegistry): string | null;
}

/** What a schema change reports to listeners after it commits. */
export interface SchemaChange {
  action: 'create' | 'update' | 'delete';
  collection: Collection;
}

/** One schema change in progress: its transaction and the registry it edits. */
interface Staging {
  tx: Queryable;
  /** a private copy of the registry; it replaces the live one only after commit */
  registry: CollectionRegistry;
  changes: SchemaChange[];
}

/**
 * Collections: definitions kept in `_collections`, each backed by a real table. A
 * change validates, alters the table, saves the definition and writes its migration
 * file in one transaction, on a private copy of the registry that replaces the live
 * one only after commit, so requests never see a definition whose table isn't there.
 * Schema changes run one at a time.
 */
export class CollectionsService {
  readonly registry = new CollectionRegistry();
  readonly #options: CollectionsServiceOptions;
  #listeners: ((change: SchemaChange) => void)[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: CollectionsServiceOptions) {
    this.#options = options;
  }

  /** Loads every definition into memory (bootstrap). */
  async load(db: Queryable = this.#options.db): Promise<void> {
    this.registry.replaceAll(await loadCollections(db));
  }

  /** Called after each committed schema change. */
  onChange(listener: (change: SchemaChange) => void): void {
    this.#listeners.push(listener);
  }

  find(idOrName: string): Collection | undefined {
    return this.registry.find(idOrName);
  }

  /** The collection or a 404 in PocketBase's words. */
  require(idOrName: string): Collection {
    return requireIn(this.registry, idOrName);
  }

  all(): Collection[] {
    return this.registry.all();
  }

  async create(input: unknown, options: { system?: boolean; record?: boolean } = {}): Promise<Collection> {
    const [change] = await this.#change(options.record ?? true, async (s) => {
      const next = validateCollection(input, undefined, this.#lookup(s.registry));
      if (options.system) next.system = true;
      await this.#createTable(s, next);
    });
    return change.collection;
  }

  async update(idOrName: string, input: unknown): Promise<Collection> {
    const [change] = await this.#change(true, async (s) => {
      const existing = requireIn(s.registry, idOrName);
      await this.#alterTable(s, existing, validateCollection(input, existing, this.#lookup(s.registry)));
    });
    return change.collection;
  }

  async delete(idOrName: string): Promise<void> {
    await this.#change(true, async (s) => {
      const existing = requireIn(s.registry, idOrName);
      if (existing.system) throw new ApiError('bad_request', 'System collections cannot be deleted.');
      await this.#dropTable(s, existing);
    });
  }

  /**
   * Creates or updates each given collection (matched by id, then name) in one
   * transaction; with `deleteMissing`, deletes non-system collections not listed.
   */
  async import(inputs: unknown[], deleteMissing: boolean): Promise<void> {
    await this.#change(true, async (s) => {
      for (const input of inputs) await this.#upsert(s, input);
      if (deleteMissing) await this.#deleteMissing(s, inputs);
    });
  }

  /** Replays one migration file's operations and records the file as applied, atomically. */
  async applyMigration(operations: MigrationOperation[], file: string): Promise<void> {
    await this.#change(false, async (s) => {
      for (const op of operations) {
        if (op.action === 'upsert') await this.#upsert(s, op.collection);
        else if (s.registry.byId(op.collection.id))
          await this.#dropTable(s, s.registry.byId(op.collection.id)!);
      }
      await s.tx.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (?, ?)`, [file, Date.now()]);
    });
  }

  async #upsert(s: Staging, input: unknown): Promise<void> {
    const given = (input ?? {}) as { id?: string; name?: string };
    const existing = (given.id && s.registry.byId(given.id)) || (given.name && s.registry.byName(given.name));
    const next = validateCollection(input, existing || undefined, this.#lookup(s.registry));
    if (existing) await this.#alterTable(s, existing, next);
    else await this.#createTable(s, next);
  }

  async #deleteMissing(s: Staging, inputs: unknown[]): Promise<void> {
    const keep = new Set(
      inputs.flatMap((i) => [(i as Collection).id, (i as Collection).name?.toLowerCase()]),
    );
    for (const c of s.registry.all()) {
      if (c.system || keep.has(c.id) || keep.has(c.name.toLowerCase())) continue;
      await this.#dropTable(s, c, keep);
    }
  }

  async #createTable(s: Staging, next: Collection): Promise<void> {
    for (const sql of createTableSql(next, this.#options.db.dialect)) await s.tx.run(sql);
    await saveCollection(s.tx, next);
    s.registry.put(next);
    s.changes.push({ action: 'create', collection: next });
  }

  async #alterTable(s: Staging, existing: Collection, next: Collection): Promise<void> {
    for (const sql of alterTableSql(existing, next, this.#options.db.dialect)) await s.tx.run(sql);
    await saveCollection(s.tx, next);
    s.registry.put(next);
    s.changes.push({ action: 'update', collection: next });
  }

  async #dropTable(s: Staging, collection: Collection, ignoring: Set<string> = new Set()): Promise<void> {
    ensureNotReferenced(s.registry, collection, ignoring);
    for (const sql of dropIndexesSql(collection, this.#options.db.dialect)) await s.tx.run(sql);
    await s.tx.run(`DROP TABLE ${this.#options.db.dialect.quote(collection.name)}`);
    await deleteCollectionRow(s.tx, collection.id);
    s.registry.remove(collection.id);
    s.changes.push({ action: 'delete', collection });
  }

  /**
   * Runs one schema change: waits its turn, stages it in a transaction (writing the
   * migration file when `record`), swaps the registry in after commit, tells listeners.
   * A migration file whose transaction did not commit is removed.
   */
  async #change(record: boolean, fn: (s: Staging) => Promise<void>): Promise<SchemaChange[]> {
    const run = this.#queue.then(async () => {
      const staging: Staging = { tx: this.#options.db, registry: this.registry.clone(), changes: [] };
      let file: string | null = null;
      try {
        await this.#options.db.transaction(async (tx) => {
          staging.tx = tx;
          await fn(staging);
          if (record) file = await this.#record(tx, staging.changes);
        });
      } catch (error) {
        if (file && this.#options.migrationsDir) await removeMigrationFile(this.#options.migrationsDir, file);
        throw error;
      }
      this.registry.replaceAll(staging.registry.all());
      for (const change of staging.changes) for (const listener of this.#listeners) listener(change);
      return staging.changes;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Writes the migration file (secrets left out) and marks it applied here; answers its name. */
  async #record(tx: Queryable, changes: SchemaChange[]): Promise<string | null> {
    const dir = this.#options.migrationsDir;
    if (!dir || changes.length === 0) return null;
    const file = await writeMigrationFile(dir, changes.map(toOperation));
    try {
      await tx.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (?, ?)`, [file, Date.now()]);
    } catch (error) {
      await removeMigrationFile(dir, file);
      throw error;
    }
    return file;
  }

  #lookup(registry: CollectionRegistry): CollectionLookup {
    return {
      byId: (id) => registry.byId(id),
      byName: (name) => registry.byName(name),
      all: () => registry.all(),
      checkRule: (collection, rule) => this.#options.checkRule(collection, rule, registry),
    };
  }
}

function requireIn(registry: CollectionRegistry, idOrName: string): Collection {
  const found = registry.find(idOrName);
  if (!found) throw new ApiError('not_found', 'Missing or invalid collection context.');
  return found;
}

function ensureNotReferenced(registry: CollectionRegistry, target: Collection, ignoring: Set<string>): void {
  for (const c of registry.all()) {
    if (c.id === target.id || ignoring.has(c.id)) continue;
    const ref = c.fields.find((f) => f.type === 'relation' && f.collectionId === target.id);
    if (ref) {
      throw new ApiError(
        'bad_request',
        `The collection "${target.name}" is referenced by the relation field "${c.name}.${ref.name}"; remove that field first.`,
      );
    }
  }
}

/** Migration files hold definitions without token secrets: each data dir keeps its own. */
function toOperation(change: SchemaChange): MigrationOperation {
  if (change.action === 'delete') {
    return { action: 'delete', collection: { id: change.collection.id, name: change.collection.name } };
  }
  return { action: 'upsert', collection: withoutSecrets(change.collection) };
}
