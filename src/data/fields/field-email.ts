/**
 * The `email` field: an address checked for format only (no DNS), with optional domain
 * allow/deny lists.
 */
import { fail, failRequired, OptionProblems, toText } from './field-common.ts';
import { domainAllowed, isDomain, normalizeDomainOptions } from './field-domains.ts';
import type { FieldKind } from './field-kind.ts';

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Whether `value` is a well-formed email address (`local@domain.tld`). */
export function isEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  return local.length <= 64 && LOCAL_PART.test(local) && isDomain(value.slice(at + 1));
}

/** The `email` field type. */
export const emailField: FieldKind = {
  type: 'email',
  columnKind: () => 'text',
  normalizeOptions(field) {
    const problems = new OptionProblems();
    normalizeDomainOptions(field, problems);
    return problems.result();
  },
  zero: () => '',
  prepare(field, input, ctx) {
    const value = input === undefined && !ctx.isNew ? toText(ctx.old) : toText(input);
    if (value === '') {
      if (field.required) failRequired();
      return value;
    }
    if (!isEmail(value)) fail('validation_is_email', 'Must be a valid email address.');
    if (!domainAllowed(field, value.slice(value.lastIndexOf('@') + 1))) {
      fail('validation_email_domain_not_allowed', 'Email domain is not allowed.');
    }
    return value;
  },
  output: (_field, stored) => (typeof stored === 'string' ? stored : ''),
};
