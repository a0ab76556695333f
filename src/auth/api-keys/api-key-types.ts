/** The operations of the records API a key can be allowed. */
export const KEY_OPERATIONS = ['list', 'view', 'create', 'update', 'delete'] as const;

export type KeyOperation = (typeof KEY_OPERATIONS)[number];

/** One grant of a key: a collection (name, id or `*` for all) and what may be done there. */
export interface KeyScope {
  collection: string;
  operations: KeyOperation[];
}

/** An API key as stored and answered: never the secret, only what identifies and limits it. */
export interface ApiKey {
  id: string;
  name: string;
  scopes: KeyScope[];
  /** ISO date after which the key stops working, or '' for never */
  expires: string;
  /** ISO date of the last request made with the key ('' when never used); recorded in batches */
  lastUsed: string;
  created: string;
}

/** The answer of a create: the only time the secret is shown. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}

/** Where secrets start, so they can be told apart from JWTs and found by secret scanners. */
export const KEY_PREFIX = 'bsk_';
