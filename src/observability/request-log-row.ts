import type { LogsSettings } from './logs-settings.ts';

/** What the stored log keeps of one answered request (the entry's `data` in PocketBase's shape). */
export interface RequestFacts {
  method: string;
  /** the URL with secrets redacted (see `redactUrl`) */
  url: string;
  status: number;
  /** milliseconds from the request's arrival to its response */
  ms: number;
  /** the Referer header, redacted like the URL */
  referer: string;
  userAgent: string;
  /** `collection/recordId` of the caller, or undefined for a guest */
  principal: string | undefined;
  requestId: string;
  ip: string;
  remoteIP: string;
  /** set while tracing is on */
  traceId: string | undefined;
}

/** The `level` of a request's entry: 8 (error) for a 4xx or 5xx answer, else 0 (info). */
export function requestLevel(status: number): number {
  return status >= 400 ? 8 : 0;
}

/**
 * The entry's `data` column: the JSON text of PocketBase's request log data. Written as
 * a template rather than `JSON.stringify` of a fresh object per request: the keys and
 * their order are fixed, so only the string values need quoting (each by
 * `JSON.stringify`, which escapes quotes, control characters and lone surrogates).
 * The text equals what `JSON.stringify` gives for the same object, key for key.
 */
export function requestLogData(facts: RequestFacts, settings: LogsSettings): string {
  const principal = facts.principal ?? '';
  const slash = principal.indexOf('/');
  const auth = slash < 0 ? principal : principal.slice(0, slash);
  let text = `{"type":"request","execTime":${Math.round(facts.ms * 1000) / 1000},"url":${JSON.stringify(facts.url.slice(0, 3000))}`;
  text += `,"method":${JSON.stringify(facts.method)},"status":${facts.status}`;
  text += `,"referer":${quote(facts.referer)},"userAgent":${quote(facts.userAgent)}`;
  text += `,"auth":${quote(auth)},"requestId":${JSON.stringify(facts.requestId)}`;
  const authId = slash < 0 ? '' : principal.slice(slash + 1);
  if (settings.logAuthId && authId) text += `,"authId":${JSON.stringify(authId)}`;
  if (settings.logIP)
    text += `,"userIP":${JSON.stringify(facts.ip)},"remoteIP":${JSON.stringify(facts.remoteIP)}`;
  if (facts.traceId) text += `,"traceId":${JSON.stringify(facts.traceId)}`;
  return `${text}}`;
}

/** The entry's `message`: method and path, percent-escapes decoded when they are valid. */
export function requestLogMessage(method: string, url: string): string {
  const shown = url.slice(0, 3000);
  if (!shown.includes('%')) return `${method} ${shown}`;
  try {
    return `${method} ${decodeURI(shown)}`;
  } catch {
    return `${method} ${shown}`;
  }
}

/** Most headers are absent or empty; `""` needs no call. Long ones are cut to 2,000 characters. */
function quote(text: string): string {
  return text === '' ? '""' : JSON.stringify(text.slice(0, 2000));
}
