import type { Queryable } from '../../db/driver.ts';
import { Hook, type HookEvent } from '../../hooks/index.ts';
import type { Collection } from '../collection-types.ts';
import type { AuthPrincipal, RecordContext } from './record-context.ts';
import type { DeletedRecord } from './record-delete.ts';
import type { RecordRow } from './record-output.ts';

/**
 * Record operations for hook handlers, run as a superuser inside the transaction of
 * the write that triggered the hook: they commit or roll back with it.
 */
export interface RecordsInTransaction {
  create(collection: string, body: Record<string, unknown>): Promise<RecordRow>;
  update(collection: string, id: string, body: Record<string, unknown>): Promise<RecordRow>;
  delete(collection: string, id: string): Promise<void>;
  /** the row, or null when there is none */
  view(collection: string, id: string): Promise<RecordRow | null>;
}

/** What every before-write event carries: who writes, and a handle on the transaction. */
export interface RecordWriteEvent extends HookEvent {
  collection: Collection;
  /** the caller (null for guests and internal calls) */
  auth: AuthPrincipal | null;
  isSuperuser: boolean;
  /** the caller's records context, with `tx` set to the write's transaction */
  ctx: RecordContext;
  /** the write's transaction: SQL run here commits or rolls back with the write */
  tx: Queryable;
  /** runs `fn` once the transaction has committed (never if it rolls back); errors are logged */
  afterCommit(fn: () => void | Promise<void>): void;
  /** other record writes in the same transaction */
  records: RecordsInTransaction;
  /**
   * `{ tx, afterCommit }` of the write: spread it into `app.jobs.enqueue(name, payload, {...e.inTransaction})`
   * so the job exists only if the write commits
   */
  inTransaction: { tx: Queryable; afterCommit: (() => void)[] };
}

/** `onRecordCreate`: change `body` before `next()`; `record` is the inserted row after it. */
export interface RecordCreateEvent extends RecordWriteEvent {
  body: Record<string, unknown>;
  record: RecordRow | null;
}

/** `onRecordUpdate`: change `body` before `next()`; `original` and `record` are set after it. */
export interface RecordUpdateEvent extends RecordWriteEvent {
  id: string;
  body: Record<string, unknown>;
  original: RecordRow | null;
  record: RecordRow | null;
}

/** `onRecordDelete`: `deleted` lists the removed rows (cascades included) after `next()`. */
export interface RecordDeleteEvent extends RecordWriteEvent {
  id: string;
  deleted: DeletedRecord[];
}

/** After-commit events: the change has been committed; errors here are logged, never answered. */
export interface RecordSuccessEvent extends HookEvent {
  action: 'create' | 'update' | 'delete';
  collection: Collection;
  /** the row after the change (the deleted row for deletes) */
  record: RecordRow;
  /** the row before an update */
  original?: RecordRow;
  auth: AuthPrincipal | null;
  isSuperuser: boolean;
}

const byCollection = (event: { collection: Collection }) => [event.collection.id, event.collection.name];

/**
 * The record hooks of one app. The before-hooks (`create`, `update`, `delete`) wrap the
 * write inside its transaction: their default action is the write itself. The
 * `after*` hooks run after commit, once per changed record.
 */
export class RecordHooks {
  readonly create = new Hook<RecordCreateEvent>(byCollection);
  readonly update = new Hook<RecordUpdateEvent>(byCollection);
  readonly delete = new Hook<RecordDeleteEvent>(byCollection);
  readonly afterCreate = new Hook<RecordSuccessEvent>(byCollection);
  readonly afterUpdate = new Hook<RecordSuccessEvent>(byCollection);
  readonly afterDelete = new Hook<RecordSuccessEvent>(byCollection);
  /** where errors of after-commit work go (the app sets it to its logger) */
  onError: (error: unknown, where: string) => void = (error, where) => {
    process.emitWarning(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  };

  /** Every hook, by name (for snapshots on reload). */
  all(): Hook<any>[] {
    return [this.create, this.update, this.delete, this.afterCreate, this.afterUpdate, this.afterDelete];
  }
}
