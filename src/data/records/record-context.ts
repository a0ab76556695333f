import type { Queryable } from '../../db/driver.ts';
import type { Collection } from '../collection-types.ts';

/** The authenticated caller of a request, if any. */
export interface AuthPrincipal {
  collection: Collection;
  /** the auth record as stored (all columns, hidden ones included) */
  record: Record<string, unknown>;
}

/**
 * Everything a records operation knows about who asks and how. Built once per HTTP
 * request (or per batch item) by the API layer.
 */
export interface RecordContext {
  auth: AuthPrincipal | null;
  isSuperuser: boolean;
  /** raw query string values (for `@request.query.*`) */
  query: Record<string, string>;
  headers: Record<string, string>;
  method: string;
  /** 'default' | 'realtime' | 'protectedFile' | 'oauth2' | 'otp' | 'password' … as PocketBase names them */
  context: string;
  /**
   * Set when the operation runs inside a caller's transaction (batch requests,
   * hooks); reads and writes then go through it and events wait for its commit.
   */
  tx?: Queryable;
  /** Callbacks to run after the surrounding transaction commits (filled when `tx` is set). */
  afterCommit?: (() => void)[];
}

/** A context for trusted internal calls (CLI, hooks run as superuser). */
export function superuserContext(): RecordContext {
  return { auth: null, isSuperuser: true, query: {}, headers: {}, method: 'GET', context: 'default' };
}
