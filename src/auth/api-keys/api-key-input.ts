import { ApiError, type ErrorData, fieldError } from '../../lib/errors.ts';
import { isPlainObject } from '../../lib/json.ts';
import { KEY_OPERATIONS, type KeyOperation, type KeyScope } from './api-key-types.ts';

/** What a create request may carry, validated. */
export interface KeyInput {
  name: string;
  scopes: KeyScope[];
  expires: string;
}

/**
 * Validates `{name, scopes: [{collection, operations}], expires?}`; every problem is
 * reported at once as a 400 with `data.<field>`. `collectionExists` is asked for every
 * scope other than `*`, so a typo fails now instead of silently granting nothing.
 */
export function parseKeyInput(body: unknown, collectionExists: (nameOrId: string) => boolean): KeyInput {
  const input = isPlainObject(body) ? body : {};
  const problems: ErrorData = {};
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name || name.length > 100)
    problems.name = fieldError('validation_required', 'Give the key a name of 1 to 100 characters.');
  const scopes = parseScopes(input.scopes, collectionExists, problems);
  let expires = '';
  if (input.expires !== undefined && input.expires !== null && input.expires !== '') {
    const at = new Date(String(input.expires));
    if (Number.isNaN(at.getTime()))
      problems.expires = fieldError(
        'validation_invalid_date',
        'Use an ISO 8601 date, e.g. 2030-01-01T00:00:00Z.',
      );
    else if (at.getTime() <= Date.now())
      problems.expires = fieldError('validation_date_past', 'The expiry must be in the future.');
    else expires = at.toISOString();
  }
  if (Object.keys(problems).length)
    throw new ApiError('validation_failed', 'Failed to create the API key.', problems);
  return { name, scopes, expires };
}

function parseScopes(value: unknown, exists: (nameOrId: string) => boolean, problems: ErrorData): KeyScope[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.scopes = fieldError('validation_required', 'List at least one {collection, operations} scope.');
    return [];
  }
  const scopes: KeyScope[] = [];
  const scopeProblems: ErrorData = {};
  value.forEach((item, index) => {
    const collection = isPlainObject(item) && typeof item.collection === 'string' ? item.collection : '';
    const operations = isPlainObject(item) && Array.isArray(item.operations) ? item.operations : [];
    if (!collection || (collection !== '*' && !exists(collection)))
      scopeProblems[index] = fieldError(
        'validation_unknown_collection',
        `No collection "${collection}" exists.`,
      );
    else if (!operations.length || !operations.every((op) => KEY_OPERATIONS.includes(op as KeyOperation)))
      scopeProblems[index] = fieldError(
        'validation_invalid_operations',
        `Operations must be some of: ${KEY_OPERATIONS.join(', ')}.`,
      );
    else scopes.push({ collection, operations: [...new Set(operations as KeyOperation[])] });
  });
  if (Object.keys(scopeProblems).length) problems.scopes = scopeProblems;
  return scopes;
}
