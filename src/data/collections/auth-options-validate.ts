import { type ErrorData, fieldError } from '../../lib/errors.ts';
import { isPlainObject } from '../../lib/json.ts';
import type { Collection } from '../collection-types.ts';

const TOKEN_KINDS = ['authToken', 'passwordResetToken', 'emailChangeToken', 'verificationToken', 'fileToken'];
const TEMPLATE_KEYS = ['verificationTemplate', 'resetPasswordTemplate', 'confirmEmailChangeTemplate'];
// ten years: longer lifetimes are certainly typos (PocketBase caps tokens similarly)
const MAX_DURATION = 10 * 365 * 86400;

function bool(into: ErrorData, key: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean')
    into[key] = fieldError('validation_invalid_bool', 'Must be true or false.');
}

function int(into: ErrorData, key: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    into[key] = fieldError('validation_out_of_range', `Must be a whole number from ${min} to ${max}.`, {
      min,
      max,
    });
}

function template(into: ErrorData, key: string, value: unknown): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    into[key] = fieldError('validation_invalid_object', 'Must be an object with subject and body.');
    return;
  }
  const problems: ErrorData = {};
  for (const part of ['subject', 'body']) {
    if (part in value && (typeof value[part] !== 'string' || value[part] === ''))
      problems[part] = fieldError('validation_required', 'Cannot be blank.');
  }
  if (Object.keys(problems).length) into[key] = problems;
}

function section(
  input: Record<string, unknown>,
  key: string,
  check: (value: Record<string, unknown>, into: ErrorData) => void,
  problems: ErrorData,
): void {
  if (!(key in input)) return;
  const value = input[key];
  if (!isPlainObject(value)) {
    problems[key] = fieldError('validation_invalid_object', 'Must be an object.');
    return;
  }
  const into: ErrorData = {};
  check(value, into);
  if (Object.keys(into).length) problems[key] = into;
}

/**
 * Problems in the auth options a client sent (PocketBase's names and limits), keyed
 * like the collection JSON. `checkRule` compiles a rule and answers its error or null;
 * `next` is the merged collection (for identity fields that must exist).
 */
export function authOptionProblems(
  input: Record<string, unknown>,
  next: Collection,
  checkRule: (rule: string) => string | null,
): ErrorData {
  const problems: ErrorData = {};
  for (const key of ['authRule', 'manageRule']) {
    const rule = input[key];
    if (rule !== undefined && rule !== null && typeof rule !== 'string')
      problems[key] = fieldError('validation_invalid_rule', 'A rule is a filter string or null.');
    const message = typeof rule === 'string' && rule !== '' ? checkRule(rule) : null;
    if (message) problems[key] = fieldError('validation_invalid_rule', message);
  }
  section(
    input,
    'passwordAuth',
    (v, into) => {
      bool(into, 'enabled', v.enabled);
      const fields = v.identityFields;
      if (fields === undefined) return;
      const known = new Set(next.fields.map((f) => f.name));
      if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string' || !known.has(f)))
        into.identityFields = fieldError(
          'validation_invalid_identity_fields',
          'Must be a list of fields of this collection.',
        );
    },
    problems,
  );
  section(
    input,
    'otp',
    (v, into) => {
      bool(into, 'enabled', v.enabled);
      int(into, 'duration', v.duration, 10, 86400);
      int(into, 'length', v.length, 4, 255);
      template(into, 'emailTemplate', v.emailTemplate);
    },
    problems,
  );
  section(
    input,
    'mfa',
    (v, into) => {
      bool(into, 'enabled', v.enabled);
      int(into, 'duration', v.duration, 10, 86400);
      if (v.rule !== undefined && typeof v.rule !== 'string')
        into.rule = fieldError('validation_invalid_rule', 'A rule is a filter string.');
      const message = typeof v.rule === 'string' && v.rule !== '' ? checkRule(v.rule) : null;
      if (message) into.rule = fieldError('validation_invalid_rule', message);
    },
    problems,
  );
  section(
    input,
    'authAlert',
    (v, into) => {
      bool(into, 'enabled', v.enabled);
      template(into, 'emailTemplate', v.emailTemplate);
    },
    problems,
  );
  for (const kind of TOKEN_KINDS)
    section(input, kind, (v, into) => int(into, 'duration', v.duration, 10, MAX_DURATION), problems);
  for (const key of TEMPLATE_KEYS) template(problems, key, input[key]);
  return problems;
}
