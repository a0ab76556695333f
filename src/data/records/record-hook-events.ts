import type { Queryable } from '../../db/driver.ts';
import type { Hook } from '../../hooks/index.ts';
import { ApiError } from '../../lib/errors.ts';
import type { Collection } from '../collection-types.ts';
import { type RecordContext, superuserContext } from './record-context.ts';
import type { RecordHooks, RecordSuccessEvent, RecordWriteEvent } from './record-hooks.ts';
import type { RecordRow } from './record-output.ts';
import type { RecordEvent } from './records-service.ts';

/** A records context inside a write's transaction. */
export type WriteContext = RecordContext & { tx: Queryable; afterCommit: (() => void)[] };

/** The record operations `RecordsInTransaction` is built on (the records service). */
interface RecordOps {
  create(collection: Collection, body: Record<string, unknown>, ctx: RecordContext): Promise<RecordRow>;
  update(
    collection: Collection,
    id: string,
    body: Record<string, unknown>,
    ctx: RecordContext,
  ): Promise<RecordRow>;
  delete(collection: Collection, id: string, ctx: RecordContext): Promise<void>;
  view(collection: Collection, id: string, ctx: RecordContext): Promise<RecordRow>;
}

/** The common part of a before-write event for `wctx`, without `next` (the hook sets it). */
export function recordWriteEvent(
  ops: RecordOps,
  find: (nameOrId: string) => Collection | undefined,
  wctx: WriteContext,
  collection: Collection,
): RecordWriteEvent {
  // trusted code runs as a superuser, but in the same transaction and after-commit list
  const inTx: RecordContext = { ...superuserContext(), tx: wctx.tx, afterCommit: wctx.afterCommit };
  const need = (name: string) => {
    const found = find(name);
    if (!found) throw new ApiError('not_found', `Missing collection "${name}".`);
    return found;
  };
  return {
    collection,
    auth: wctx.auth,
    isSuperuser: wctx.isSuperuser,
    ctx: wctx,
    tx: wctx.tx,
    afterCommit: (fn) => wctx.afterCommit.push(fn),
    inTransaction: { tx: wctx.tx, afterCommit: wctx.afterCommit },
    records: {
      create: (name, body) => ops.create(need(name), body, inTx),
      update: (name, id, body) => ops.update(need(name), id, body, inTx),
      delete: (name, id) => ops.delete(need(name), id, inTx),
      view: (name, id) =>
        ops.view(need(name), id, inTx).catch((error) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        }),
    },
    next: () => Promise.resolve(),
  };
}

/** The after-commit hook and event for each committed change. */
export function recordSuccessEvents(
  hooks: RecordHooks,
  events: RecordEvent[],
  ctx: RecordContext,
): { hook: Hook<RecordSuccessEvent>; event: RecordSuccessEvent }[] {
  const hookFor = { create: hooks.afterCreate, update: hooks.afterUpdate, delete: hooks.afterDelete };
  return events.map((change) => ({
    hook: hookFor[change.action],
    event: {
      action: change.action,
      collection: change.collection,
      record: change.record,
      original: change.before,
      auth: ctx.auth,
      isSuperuser: ctx.isSuperuser,
      next: () => Promise.resolve(),
    },
  }));
}

/** The error when a before-hook returned without calling `next()`, so the write never happened. */
export function stoppedByHook(verb: string, handlerIds: string[]): ApiError {
  return new ApiError(
    'bad_request',
    `The record was not ${verb}: a hook handler returned without calling next() (handlers: ${handlerIds.join(', ')}).`,
  );
}
