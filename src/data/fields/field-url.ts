/**
 * The `url` field: an absolute web address (the scheme may be left out, as PocketBase's
 * validator allows), with optional domain allow/deny lists matched against the host name.
 */
import { fail, failRequired, OptionProblems, toText } from './field-common.ts';
import { domainAllowed, isDomain, normalizeDomainOptions } from './field-domains.ts';
import type { FieldKind } from './field-kind.ts';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
const OTHER_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)/;
const ALLOWED_SCHEMES = new Set(['http', 'https', 'ftp', 'tcp', 'udp', 'ws', 'wss']);
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The host name of a valid URL, or `undefined` when `value` is not one. */
export function urlHost(value: string): string | undefined {
  if (value.length >= 2083 || /\s/.test(value) || value.startsWith('.')) return undefined;
  const scheme = SCHEME.exec(value)?.[1];
  if (scheme !== undefined && !ALLOWED_SCHEMES.has(scheme.toLowerCase())) return undefined;
  if (scheme === undefined && OTHER_SCHEME.test(value)) return undefined; // mailto:, javascript:
  let parsed: URL;
  try {
    parsed = new URL(scheme === undefined ? `http://${value}` : value);
  } catch {
    return undefined;
  }
  const host = parsed.hostname;
  const ok = host === 'localhost' || isDomain(host) || IPV4.test(host) || host.startsWith('[');
  return ok ? host : undefined;
}

/** The `url` field type. */
export const urlField: FieldKind = {
  type: 'url',
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
    const host = urlHost(value);
    if (host === undefined) fail('validation_invalid_url', 'Must be a valid url.');
    if (!domainAllowed(field, host)) fail('validation_url_domain_not_allowed', 'Url domain is not allowed.');
    return value;
  },
  output: (_field, stored) => (typeof stored === 'string' ? stored : ''),
};
