import type { DbDriver, Queryable } from '../../db/driver.ts';
import { ApiError } from '../../lib/errors.ts';
import type { Collection } from '../collection-types.ts';
import {
  type MigrationOperation,
  removeMigrationFile,
  writeMigrationFile,
} from '../migrations/migration-files.ts';
import { CollectionRegistry } from './collection-registry.ts';
import { alterTableSql, createTableSql, dropIndexesSql } from './collection-ddl.ts';
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
  action: 'create' | 'update' | 'delete' | 'truncate';
  collection: Collection;
}

/**
 * Collections: definitions kept in `_collections`, each backed by a real table. Every
 * change validates, alters the table and saves the definition in one transaction,
 * then is recorded as a migration file.
 */
export class CollectionsService {
  readonly registry = new CollectionRegistry();
  readonly #options: CollectionsServiceOptions;
  #listeners: ((change: SchemaChange) => void)[] = [];

  constructor(options: CollectionsServiceOptions) {
    this.#options = options;
  }

  /** Loads every definition into memory (bootstrap, and after a failed change). */
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
    const found = this.registry.find(idOrName);
    if (!found) throw new ApiError('not_found', 'Missing or invalid collection context.');
    return found;
  }

  all(): Collection[] {
    return this.registry.all();
  }

  async create(input: unknown, options: { system?: boolean; record?: boolean } = {}): Promise<Collection> {
    return this.#change(options.record ?? true, async (tx) => {
      const next = validateCollection(input, undefined, this.#lookup());
      if (options.system) next.system = true;
      for (const sql of createTableSql(next, this.#options.db.dialect)) await tx.run(sql);
      await saveCollection(tx, next);
      this.registry.put(next);
      return { action: 'create', collection: next };
    });
  }

  async update(idOrName: string, input: unknown): Promise<Collection> {
    return this.#change(true, async (tx) => {
      const existing = this.require(idOrName);
      const next = validateCollection(input, existing, this.#lookup());
      for (const sql of alterTableSql(existing, next, this.#options.db.dialect)) await tx.run(sql);
      await saveCollection(tx, next);
      this.registry.put(next);
      return { action: 'update', collection: next };
    });
  }

  async delete(idOrName: string): Promise<void> {
    await this.#change(true, async (tx) => {
      const existing = this.require(idOrName);
      if (existing.system) throw new ApiError('bad_request', 'System collections cannot be deleted.');
      this.#ensureNotReferenced(existing);
      await this.#dropTable(tx, existing);
      return { action: 'delete', collection: existing };
    });
  }

  /** Deletes every record of a collection, keeping its definition. */
  async truncate(idOrName: string): Promise<void> {
    const existing = this.require(idOrName);
    await this.#options.db.transaction(async (tx) => {
      await tx.run(`DELETE FROM ${this.#options.db.dialect.quote(existing.name)}`);
    });
    this.#emit({ action: 'truncate', collection: existing });
  }

  /**
   * Creates or updates each given collection (matched by id, then name) in one
   * transaction; with `deleteMissing`, deletes non-system collections not listed.
   */
  async import(inputs: unknown[], deleteMissing: boolean): Promise<void> {
    const changes: SchemaChange[] = [];
    await this.#guarded(async (tx) => {
      for (const input of inputs) changes.push(await this.#importOne(tx, input));
      if (deleteMissing) changes.push(...(await this.#deleteMissing(tx, inputs)));
      await this.#record(tx, changes);
    });
    for (const change of changes) this.#emit(change);
  }

  /** Replays one migration file's operations and records the file as applied, atomically. */
  async applyMigration(operations: MigrationOperation[], file: string): Promise<void> {
    const changes: SchemaChange[] = [];
    await this.#guarded(async (tx) => {
      for (const op of operations) {
        if (op.action === 'upsert') changes.push(await this.#importOne(tx, op.collection));
        else changes.push(...(await this.#deleteIfPresent(tx, op.collection.id)));
      }
      await tx.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (?, ?)`, [file, Date.now()]);
    });
    for (const change of changes) this.#emit(change);
  }

  async #deleteIfPresent(tx: Queryable, id: string): Promise<SchemaChange[]> {
    const existing = this.registry.byId(id);
    if (!existing) return [];
    this.#ensureNotReferenced(existing);
    await this.#dropTable(tx, existing);
    return [{ action: 'delete', collection: existing }];
  }

  async #dropTable(tx: Queryable, collection: Collection): Promise<void> {
    for (const sql of dropIndexesSql(collection, this.#options.db.dialect)) await tx.run(sql);
    await tx.run(`DROP TABLE ${this.#options.db.dialect.quote(collection.name)}`);
    await deleteCollectionRow(tx, collection.id);
    this.registry.remove(collection.id);
  }

  async #importOne(tx: Queryable, input: unknown): Promise<SchemaChange> {
    const given = (input ?? {}) as { id?: string; name?: string };
    const existing =
      (given.id && this.registry.byId(given.id)) || (given.name && this.registry.byName(given.name));
    const next = validateCollection(input, existing || undefined, this.#lookup());
    const ddl = existing
      ? alterTableSql(existing, next, this.#options.db.dialect)
      : createTableSql(next, this.#options.db.dialect);
    for (const sql of ddl) await tx.run(sql);
    await saveCollection(tx, next);
    this.registry.put(next);
    return { action: existing ? 'update' : 'create', collection: next };
  }

  async #deleteMissing(tx: Queryable, inputs: unknown[]): Promise<SchemaChange[]> {
    const keep = new Set(
      inputs.flatMap((i) => [(i as Collection).id, (i as Collection).name?.toLowerCase()]),
    );
    const changes: SchemaChange[] = [];
    for (const c of this.registry.all()) {
      if (c.system || keep.has(c.id) || keep.has(c.name.toLowerCase())) continue;
      this.#ensureNotReferenced(c, keep);
      await this.#dropTable(tx, c);
      changes.push({ action: 'delete', collection: c });
    }
    return changes;
  }

  /** Runs one schema change in a transaction, then tells the listeners. */
  async #change(record: boolean, fn: (tx: Queryable) => Promise<SchemaChange>): Promise<Collection> {
    let change: SchemaChange | undefined;
    await this.#guarded(async (tx) => {
      change = await fn(tx);
      if (record) await this.#record(tx, [change]);
    });
    this.#emit(change!);
    return change!.collection;
  }

  /**
   * Keeps the in-memory view equal to what is committed: a change that throws puts
   * back the view it started from (other transactions of the same commit group keep
   * theirs); a commit that fails after the change ran reloads everything.
   */
  async #guarded(fn: (tx: Queryable) => Promise<void>): Promise<void> {
    let ran = false;
    try {
      await this.#options.db.transaction(async (tx) => {
        const snapshot = this.registry.all();
        try {
          await fn(tx);
          ran = true;
        } catch (error) {
          this.registry.replaceAll(snapshot);
          throw error;
        }
      });
    } catch (error) {
      if (ran) await this.load();
      throw error;
    }
  }

  /** Writes the migration file and marks it applied in this data dir, inside the transaction. */
  async #record(tx: Queryable, changes: SchemaChange[]): Promise<void> {
    const dir = this.#options.migrationsDir;
    const operations = changes.filter((c) => c.action !== 'truncate').map(toOperation);
    if (!dir || operations.length === 0) return;
    const file = await writeMigrationFile(dir, operations);
    try {
      await tx.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (?, ?)`, [file, Date.now()]);
    } catch (error) {
      await removeMigrationFile(dir, file);
      throw error;
    }
  }

  #ensureNotReferenced(target: Collection, ignoring: Set<string> = new Set()): void {
    for (const c of this.registry.all()) {
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

  #lookup(): CollectionLookup {
    return {
      byId: (id) => this.registry.byId(id),
      byName: (name) => this.registry.byName(name),
      checkRule: (collection, rule) => this.#options.checkRule(collection, rule, this.registry),
    };
  }

  #emit(change: SchemaChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

function toOperation(change: SchemaChange): MigrationOperation {
  if (change.action === 'delete')
    return { action: 'delete', collection: { id: change.collection.id, name: change.collection.name } };
  return { action: 'upsert', collection: change.collection };
}
