import { ApiError, type ErrorData, fieldError } from '../lib/errors.ts';
import type { EnqueueOptions } from './job-types.ts';

/** Checks an enqueue's name and options; throws one 400 listing every problem. */
export function validateEnqueue(name: unknown, options: EnqueueOptions): void {
  const problems: ErrorData = {};
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200)
    problems.name = fieldError(
      'validation_invalid_name',
      'A job name is a non-empty string of at most 200 characters.',
    );
  if (
    options.queue !== undefined &&
    (typeof options.queue !== 'string' || options.queue === '' || options.queue.length > 200)
  )
    problems.queue = fieldError(
      'validation_invalid_queue',
      'A queue name is a non-empty string of at most 200 characters.',
    );
  const ints: [keyof EnqueueOptions, number, number][] = [
    ['priority', -1_000_000, 1_000_000],
    ['delay', 0, 10 * 365 * 24 * 3600 * 1000],
    ['maxAttempts', 1, 1000],
    ['backoffMs', 0, 24 * 3600 * 1000],
    ['backoffMaxMs', 0, 30 * 24 * 3600 * 1000],
  ];
  for (const [key, min, max] of ints) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      problems[key] = fieldError('validation_invalid_number', `Must be an integer from ${min} to ${max}.`);
  }
  if (options.runAt !== undefined) {
    const t = options.runAt instanceof Date ? options.runAt.getTime() : options.runAt;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
      problems.runAt = fieldError(
        'validation_invalid_date',
        'runAt must be a time (epoch milliseconds or a Date).',
      );
  }
  const key = options.idempotencyKey;
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > 500))
    problems.idempotencyKey = fieldError(
      'validation_invalid_key',
      'An idempotency key is a non-empty string of at most 500 characters.',
    );
  if (Object.keys(problems).length) throw new ApiError('validation_failed', 'Invalid job.', problems);
}
