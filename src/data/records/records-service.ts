import type { DbDriver } from '../../db/driver.ts';
import type { Collection } from '../collection-types.ts';
import type { CollectionRegistry } from '../collections/collection-registry.ts';
import { type RecordContext, superuserContext } from './record-context.ts';
import { referencingFields } from './record-relations.ts';
import type { RecordDeps, RecordLimits } from './record-deps.ts';
import { type DeletedRecord, deleteRecord } from './record-delete.ts';
import { type Expandable, expandRecords, parseExpand } from './record-expand.ts';
import { type ListParams, type ListResult, parseListParams } from './record-list-params.ts';
import { type RecordJSON, type RecordRow, recordToJSON } from './record-output.ts';
import { listRecords, viewRecord } from './record-read.ts';
import { insertRecord, updateRecord } from './record-write.ts';
import { RecordHooks } from './record-hooks.ts';
import {
  recordSuccessEvents,
  recordWriteEvent,
  stoppedByHook,
  type WriteContext,
} from './record-hook-events.ts';

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
  /** the app's record hooks (a fresh, empty set when omitted) */
  hooks?: RecordHooks;
}

/**
 * Records CRUD with access rules. Reads take the caller's context; writes run in the
 * caller's transaction when it has one (batch), else in their own, and announce
 * themselves to listeners only after commit.
 */
export class RecordsService {
  readonly #deps: RecordDeps;
  #listeners: ((event: RecordEvent) => void)[] = [];
  /** before-hooks wrap each write in its transaction; after-hooks run after commit */
  readonly hooks: RecordHooks;

  constructor(options: RecordsServiceOptions) {
    this.#deps = { db: options.db, registry: options.registry, limits: options.limits };
    this.hooks = options.hooks ?? new RecordHooks();
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
    return this.#write(ctx, async (wctx) => {
      const event = {
        ...recordWriteEvent(this, (n) => this.#deps.registry.find(n), wctx, collection),
        body,
        record: null as RecordRow | null,
      };
      await this.hooks.create.trigger(event, async (e) => {
        e.record = await insertRecord(this.#deps, wctx.tx, collection, e.body, wctx);
      });
      if (!event.record) throw stoppedByHook('created', this.hooks.create.ids());
      this.#announce(wctx, [{ action: 'create', collection, record: event.record }]);
      return event.record;
    });
  }

  async update(
    collection: Collection,
    id: string,
    body: Record<string, unknown>,
    ctx: RecordContext,
  ): Promise<RecordRow> {
    return this.#write(ctx, async (wctx) => {
      const base = recordWriteEvent(this, (n) => this.#deps.registry.find(n), wctx, collection);
      const event = {
        ...base,
        id,
        body,
        original: null as RecordRow | null,
        record: null as RecordRow | null,
      };
      await this.hooks.update.trigger(event, async (e) => {
        const { before, after } = await updateRecord(this.#deps, wctx.tx, collection, e.id, e.body, wctx);
        e.original = before;
        e.record = after;
      });
      if (!event.record || !event.original) throw stoppedByHook('updated', this.hooks.update.ids());
      this.#announce(wctx, [{ action: 'update', collection, record: event.record, before: event.original }]);
      return event.record;
    });
  }

  async delete(collection: Collection, id: string, ctx: RecordContext): Promise<void> {
    await this.#write(ctx, async (wctx) => {
      const event = {
        ...recordWriteEvent(this, (n) => this.#deps.registry.find(n), wctx, collection),
        id,
        deleted: [] as DeletedRecord[],
      };
      let ran = false;
      await this.hooks.delete.trigger(event, async (e) => {
        e.deleted = await deleteRecord(this.#deps, wctx.tx, collection, e.id, wctx);
        ran = true;
      });
      if (!ran) throw stoppedByHook('deleted', this.hooks.delete.ids());
      this.#announce(
        wctx,
        event.deleted.map((d) => ({ action: 'delete' as const, collection: d.collection, record: d.row })),
      );
    });
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

  /**
   * Runs `fn` in the caller's transaction, or in a new one whose after-commit work
   * (events, after-hooks, hooks' own callbacks) is run — and awaited — once it commits.
   */
  async #write<T>(ctx: RecordContext, fn: (wctx: WriteContext) => Promise<T>): Promise<T> {
    if (ctx.tx) {
      if (!ctx.afterCommit) {
        throw new Error(
          'a RecordContext with a transaction needs an afterCommit list, or its events would be lost',
        );
      }
      return fn(ctx as WriteContext);
    }
    const afterCommit: (() => void)[] = [];
    const result = await this.#deps.db.transaction((tx) => fn({ ...ctx, tx, afterCommit }));
    for (const work of afterCommit) {
      try {
        await (work() as unknown);
      } catch (error) {
        this.hooks.onError(error, 'after-commit work');
      }
    }
    return result;
  }

  /** Queues the change for listeners and after-hooks; they run only once the transaction commits. */
  #announce(ctx: WriteContext, events: RecordEvent[]): void {
    ctx.afterCommit.push(async () => {
      for (const event of events) {
        for (const listener of this.#listeners) {
          try {
            listener(event);
          } catch (error) {
            this.hooks.onError(error, 'record change listener');
          }
        }
      }
      for (const { hook, event } of recordSuccessEvents(this.hooks, events, ctx)) {
        await hook.trigger(event).catch((error) => this.hooks.onError(error, `after-${event.action} hook`));
      }
    });
  }
}
