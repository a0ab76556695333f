import type { AuthService } from '../auth/auth-service.ts';
import type { DbDriver } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import type { RecordContext } from '../data/records/record-context.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import { canSee, shapeRecord } from './realtime-access.ts';
import type { RealtimeClient } from './realtime-client.ts';
import { type RecordBusMessage, toJson } from './realtime-messages.ts';
import type { Subscription } from './subscription.ts';

/** What fan-out reads: rules and rows from the database, shaping from the records service. */
export interface RecordFanoutDeps {
  db: DbDriver;
  collections: CollectionsService;
  records: RecordsService;
  auth: AuthService;
}

/**
 * Delivers one committed record change to the matching subscriptions of `clients`:
 * each is checked against the list rule (`collection/*`) or view rule
 * (`collection/ID`) with the client's own auth and options, then shaped by its expand
 * and fields. Clients with the same auth and options share one check, one shaping and
 * one serialization. A change to an auth record first updates the clients it signs in.
 */
export async function fanOutRecord(
  deps: RecordFanoutDeps,
  clients: Iterable<RealtimeClient>,
  message: RecordBusMessage,
  deliver: (client: RealtimeClient, name: string, json: string) => void,
): Promise<void> {
  const collection = deps.collections.registry.byId(message.collectionId);
  if (!collection) return;
  const all = [...clients];
  if (collection.type === 'auth' && message.action !== 'create') refreshAuth(all, collection, message);
  const shared = new Map<string, Promise<string | null>>();
  const sends: Promise<void>[] = [];
  for (const client of all) {
    for (const sub of client.subscriptions.values()) {
      if (!matches(sub, collection, String(message.record.id))) continue;
      const view = sub.record?.recordId != null;
      const key = `${client.authKey()}|${view}|${sub.key.slice(sub.topic.length)}`;
      let json = shared.get(key);
      if (!json) {
        json = visibleRecord(deps, collection, message, contextOf(deps, client, sub), view).then((record) =>
          record === null ? null : toJson({ action: message.action, record }),
        );
        shared.set(key, json);
      }
      sends.push(
        json.then((text) => {
          if (text !== null && !client.closed) deliver(client, sub.key, text);
        }),
      );
    }
  }
  await Promise.all(sends);
}

/** The shaped record when the client may see it, else null. */
async function visibleRecord(
  deps: RecordFanoutDeps,
  collection: Collection,
  message: RecordBusMessage,
  ctx: RecordContext,
  view: boolean,
): Promise<unknown> {
  const rule = view ? collection.viewRule : collection.listRule;
  const recordDeps = { db: deps.db, registry: deps.collections.registry, limits: deps.records.limits };
  const ok = await canSee(recordDeps, collection, rule, message.record, ctx, message.action === 'delete');
  return ok ? shapeRecord(deps.records, collection, message.record, ctx) : null;
}

/** The request a subscription stands for, as PocketBase builds it for rules. */
function contextOf(deps: RecordFanoutDeps, client: RealtimeClient, sub: Subscription): RecordContext {
  return deps.auth.contextFor(client.auth, {
    query: sub.options.query,
    headers: sub.options.headers,
    method: 'GET',
    context: 'realtime',
  });
}

/** A changed auth record updates its clients; a deleted one or a new tokenKey signs them out. */
function refreshAuth(clients: RealtimeClient[], collection: Collection, message: RecordBusMessage): void {
  for (const client of clients) {
    const auth = client.auth;
    if (!auth || auth.collection.id !== collection.id || auth.record.id !== message.record.id) continue;
    const revoked = message.action === 'delete' || auth.record.tokenKey !== message.record.tokenKey;
    client.auth = revoked ? null : { collection, record: message.record };
  }
}

function matches(sub: Subscription, collection: Collection, recordId: string): boolean {
  const target = sub.record;
  if (!target || (target.collection !== collection.name && target.collection !== collection.id)) return false;
  return target.recordId === null || target.recordId === recordId;
}
