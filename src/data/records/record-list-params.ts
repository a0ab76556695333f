import { ApiError, fieldError } from '../../lib/errors.ts';

/** The paging, sorting and filtering a list request asks for. */
export interface ListParams {
  page: number;
  perPage: number;
  sort: string;
  filter: string;
  skipTotal: boolean;
}

export interface ListLimits {
  perPageMax: number;
  perPageDefault: number;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ApiError('bad_request', `Invalid ${name}: "${raw}" is not a whole number.`, {
      [name]: fieldError('validation_invalid_number', 'Must be a whole number.'),
    });
  }
  return value;
}

/**
 * Reads `page`, `perPage`, `sort`, `filter` and `skipTotal` from a query string.
 * As PocketBase does, a `perPage` above the limit is lowered to it and 0 means the default.
 */
export function parseListParams(query: Record<string, string | undefined>, limits: ListLimits): ListParams {
  const page = positiveInt('page', query.page, 1) || 1;
  const perPage = Math.min(
    positiveInt('perPage', query.perPage, limits.perPageDefault) || limits.perPageDefault,
    limits.perPageMax,
  );
  const skipTotal = query.skipTotal === 'true' || query.skipTotal === '1';
  return { page, perPage, sort: query.sort ?? '', filter: query.filter ?? '', skipTotal };
}

/** The list answer, in PocketBase's shape. */
export interface ListResult<T> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: T[];
}
