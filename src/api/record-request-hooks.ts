import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Collection } from '../data/collection-types.ts';
import type { AuthPrincipal, RecordContext } from '../data/records/record-context.ts';
import { Hook, type HookEvent } from '../hooks/index.ts';

/**
 * A records API request (`onRecordCreateRequest` …). The default action is the
 * built-in handler, which leaves the answer in `response`: read or change it after
 * `next()`; or set it and skip `next()` to answer without the built-in handler.
 */
export interface RecordRequestEvent extends HookEvent {
  collection: Collection;
  /** the record id in the URL (view, update, delete), else null */
  id: string | null;
  request: FastifyRequest;
  reply: FastifyReply;
  auth: AuthPrincipal | null;
  isSuperuser: boolean;
  ctx: RecordContext;
  /** the JSON answer (the record, or the list page); undefined answers 204 */
  response: unknown;
}

const byCollection = (event: { collection: Collection }) => [event.collection.id, event.collection.name];

/** Request-level hooks of the records API, one per route. */
export class RecordRequestHooks {
  readonly list = new Hook<RecordRequestEvent>(byCollection);
  readonly view = new Hook<RecordRequestEvent>(byCollection);
  readonly create = new Hook<RecordRequestEvent>(byCollection);
  readonly update = new Hook<RecordRequestEvent>(byCollection);
  readonly delete = new Hook<RecordRequestEvent>(byCollection);

  /** Every hook (for snapshots on reload). */
  all(): Hook<RecordRequestEvent>[] {
    return [this.list, this.view, this.create, this.update, this.delete];
  }
}

/**
 * Answers a records request through `hook` with `handle` as its default action;
 * without handlers, `handle` runs directly. `undefined` answers 204.
 */
export async function answerThroughHook(
  hook: Hook<RecordRequestEvent> | undefined,
  base: Omit<RecordRequestEvent, 'next' | 'response' | 'auth' | 'isSuperuser'>,
  handle: () => Promise<unknown>,
): Promise<unknown> {
  let response: unknown;
  if (!hook?.count) response = await handle();
  else {
    const event: RecordRequestEvent = {
      ...base,
      auth: base.ctx.auth,
      isSuperuser: base.ctx.isSuperuser,
      response: undefined,
      next: async () => {},
    };
    await hook.trigger(event, async (e) => {
      e.response = await handle();
    });
    response = event.response;
  }
  if (base.reply.sent) return base.reply;
  return response === undefined ? base.reply.code(204).send() : response;
}
