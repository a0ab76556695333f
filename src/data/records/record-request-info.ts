import type { RequestInfo } from '../filter/index.ts';
import type { RecordContext } from './record-context.ts';

/** The `@request.*` view of a records operation, for rules and filters. */
export function requestInfo(ctx: RecordContext, body: Record<string, unknown> = {}): RequestInfo {
  return {
    auth: ctx.auth
      ? { ...ctx.auth.record, collectionId: ctx.auth.collection.id, collectionName: ctx.auth.collection.name }
      : null,
    authCollection: ctx.auth?.collection,
    body,
    query: ctx.query,
    headers: ctx.headers,
    method: ctx.method,
    context: ctx.context,
  };
}
