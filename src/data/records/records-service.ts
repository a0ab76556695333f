import type { DbDriver, Queryable } from '../../db/driver.ts';
import type { Collection } from '../collection-types.ts';
import type { CollectionRegistry } from '../collections/collection-registry.ts';
import { type RecordContext, superuserContext } from './record-context.ts';
import { referencingFields } from './record-relations.ts';
import type { RecordDeps, RecordLimits } from './record-deps.ts';
import { deleteRecord } from './record-delete.ts';
import { type Expandable, expandRecords, parseExpand } from './record-expand.ts';
import { type ListParams, type ListResult, parseListParams } from './record-list-params.ts';
import { type RecordJSON, type RecordRow, recordToJSON } from './record-output.ts';
import { listRecords, viewRecord } from './record-read.ts';
import { insertRecord, updateRecord } from './record-write.ts';

/** A committed record change, delivered to listeners after the transaction commits. */
export interface RecordEvent {
  action: 'create' | 'update' | 'delete';
  collection: Collection;
  /** the row after the change (the deleted row for deletes) */
  record: RecordRow;
  /** the row before an update */
  before?: RecordRow;
}

export interface RecordsServiceOptions {
  db: DbDriver;
  registry: CollectionRegistry;
  limits: RecordLimits;
}

/**
 * Records CRUD with access rules. Reads take the caller's context; writes run in the
 * caller's transaction when it has one (batch), else in their own, and announce
 * themselves to listeners only after commit.
 */
export class RecordsService {
  readonly #deps: RecordDeps;
  #listeners: ((event: RecordEvent) => void)[] = [];

  constructor(options: RecordsServiceOptions) {
    this.#deps = { db: options.db, registry: options.registry, limits: options.limits };
  }

  get limits(): RecordLimits {
    return this.#deps.limits;
  }

  /** Subscribes to committed changes. */
  onChange(listener: (event: RecordEvent) => void): void {
    this.#listeners.push(listener);
  }

  parseListParams(query: Record<string, string | undefined>): ListParams {
    return parseListParams(query, this.#deps.limits);
  }

  list(collection: Collection, params: ListParams, ctx: RecordContext): Promise<ListResult<RecordRow>> {
    return listRecords(this.#deps, collection, params, ctx);
  }

  view(collection: Collection, id: string, ctx: RecordContext): Promise<RecordRow> {
    return viewRecord(this.#deps, collection, id, ctx);
  }

  async create(
    collection: Collection,
    body: Record<string, unknown>,
    ctx: RecordContext,
  ): Promise<RecordRow> {
    const row = await this.#write(ctx, (tx) => insertRecord(this.#deps, tx, collection, body, ctx));
    this.#announce(ctx, [{ action: 'create', collection, record: row }]);
    return row;
  }

  async update(
    collection: Collection,
    id: string,
    body: Record<string, unknown>,
    ctx: RecordContext,
  ): Promise<RecordRow> {
    const { before, after } = await this.#write(ctx, (tx) =>
      updateRecord(this.#deps, tx, collection, id, body, ctx),
    );
    this.#announce(ctx, [{ action: 'update', collection, record: after, before }]);
    return after;
  }

  async delete(collection: Collection, id: string, ctx: RecordContext): Promise<void> {
    const deleted = await this.#write(ctx, (tx) => deleteRecord(this.#deps, tx, collection, id, ctx));
    this.#announce(
      ctx,
      deleted.map((d) => ({ action: 'delete' as const, collection: d.collection, record: d.row })),
    );
  }

  /**
   * Deletes every record of a collection in one transaction, settling relations that
   * point at them as single deletes do (cascade, clear, or refuse when required).
   * Bulk work: no per-record events.
   */
  async truncate(collection: Collection): Promise<void> {
    const ctx = superuserContext();
    const q = this.#deps.db.dialect.quote;
    const referenced = referencingFields(this.#deps, collection).length > 0;
    await this.#deps.db.transaction(async (tx) => {
      if (!referenced) {
        await tx.run(`DELETE FROM ${q(collection.name)}`);
        return;
      }
      const rows = await tx.all<{ id: string }>(`SELECT ${q('id')} AS id FROM ${q(collection.name)}`);
      for (const { id } of rows) {
        if (await tx.get(`SELECT 1 AS found FROM ${q(collection.name)} WHERE ${q('id')} = ?`, [id])) {
          await deleteRecord(this.#deps, tx, collection, id, { ...ctx, tx, afterCommit: [] });
        }
      }
    });
  }

  /**
   * The API form of rows: visible fields, then `expand` (each level under the
   * related collection's view rule for this caller).
   */
  async toJSON(
    collection: Collection,
    rows: RecordRow[],
    ctx: RecordContext,
    expand?: string,
  ): Promise<RecordJSON[]> {
    const items: Expandable[] = rows.map((row) => ({ row, json: recordToJSON(collection, row, ctx) }));
    if (expand) {
      const tree = parseExpand(expand, this.#deps.limits.expandMaxDepth);
      if (tree.size && items.length) await expandRecords(this.#deps, collection, items, tree, ctx);
    }
    return items.map((i) => i.json);
  }

  async #write<T>(ctx: RecordContext, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (ctx.tx && !ctx.afterCommit) {
      throw new Error(
        'a RecordContext with a transaction needs an afterCommit list, or its events would be lost',
      );
    }
    return ctx.tx ? fn(ctx.tx) : this.#deps.db.transaction(fn);
  }

  #announce(ctx: RecordContext, events: RecordEvent[]): void {
    const deliver = () => {
      for (const event of events) for (const listener of this.#listeners) listener(event);
    };
    if (ctx.tx && ctx.afterCommit) ctx.afterCommit.push(deliver);
    else if (!ctx.tx) deliver();
  }
}
