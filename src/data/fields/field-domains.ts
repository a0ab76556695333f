/**
 * Checks shared by the `email` and `url` fields: the `onlyDomains` / `exceptDomains`
 * options and the value's domain against them.
 */
import type { Field } from '../collection-types.ts';
import type { OptionProblems } from './field-common.ts';

const DOMAIN = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z][a-zA-Z0-9-]{0,62}$/;

/** Whether `value` is a fully qualified domain name such as `example.com`. */
export function isDomain(value: unknown): boolean {
  return typeof value === 'string' && DOMAIN.test(value);
}

/** Fills both lists with `null` when absent and checks them (each a domain, only one list set). */
export function normalizeDomainOptions(field: Field, problems: OptionProblems): void {
  field.exceptDomains ??= null;
  field.onlyDomains ??= null;
  field.required ??= false;
  checkList(problems, 'exceptDomains', field.exceptDomains, field.onlyDomains);
  checkList(problems, 'onlyDomains', field.onlyDomains, field.exceptDomains);
}

function checkList(problems: OptionProblems, key: string, list: unknown, other: unknown): void {
  if (list === null) return;
  if (!Array.isArray(list)) {
    problems.add(key, 'validation_invalid_value', 'Must be a list of domains.');
    return;
  }
  if (list.length > 0 && Array.isArray(other) && other.length > 0) {
    problems.add(key, 'validation_empty', 'Must be blank.');
    return;
  }
  const bad = list.findIndex((d) => !isDomain(d));
  if (bad >= 0) problems.addItem(key, bad, 'validation_is_domain', 'Must be a valid domain.');
}

/** Whether the domain passes the field's lists (exact, case-sensitive match like PocketBase). */
export function domainAllowed(field: Field, domain: string): boolean {
  if (field.onlyDomains?.length && !field.onlyDomains.includes(domain)) return false;
  if (field.exceptDomains?.length && field.exceptDomains.includes(domain)) return false;
  return true;
}
