import { ApiError } from '../../lib/errors.ts';

/** A 400 `invalid_filter` whose message starts with "Invalid filter:". */
export function filterError(message: string): ApiError {
  return new ApiError('invalid_filter', `Invalid filter: ${message}`);
}

/** A syntax error at a 0-based offset, shown 1-based with what would have been accepted. */
export function syntaxError(pos: number, found: string, expected?: string): ApiError {
  const tail = expected ? `; expected ${expected}.` : '.';
  return filterError(`unexpected ${found} at position ${pos + 1}${tail}`);
}
