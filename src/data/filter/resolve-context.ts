import type { Collection } from '../collection-types.ts';
import type { AliasSource, JoinRegistry } from './joins.ts';

/** Looks collections up by name or id. */
export interface FilterSchema {
  collection(nameOrId: string): Collection | undefined;
}

/** The request a rule or filter is evaluated for (`@request.*`). */
export interface RequestInfo {
  /** the authenticated record as plain field values, or null for guests */
  auth: Record<string, unknown> | null;
  /** the collection of `auth`; looked up from `auth.collectionId` when absent */
  authCollection?: Collection;
  body: Record<string, unknown>;
  query: Record<string, string>;
  headers: Record<string, string>;
  method: string;
  context: string;
}

/** Everything the resolver needs while it turns one filter into a plan. */
export interface ResolveContext {
  schema: FilterSchema;
  collection: Collection;
  /** alias of the row being filtered */
  tableAlias: string;
  request?: RequestInfo;
  allowHiddenFields: boolean;
  now: Date;
  joins: JoinRegistry;
  names: AliasSource;
  /** keeps a list rule's joins apart from the filter's own (empty for the filter) */
  keyPrefix: string;
  /** collections joined into the shared registry whose list rule still has to apply */
  ruleJoins: { collection: Collection; alias: string }[];
}
