/**
 * A request's facts as the batch carries them to where the entry is written (the writer
 * thread under load): the texts that may hold any character are already JSON strings
 * (quoted once per request and shared with the access line, see request-facts.ts), so
 * none holds a raw tab or line break and the writer pastes them into the data as they are.
 * The settings are applied when the request is answered, as before.
 */
export interface QuotedFacts {
  /** an HTTP token: never needs quoting */
  method: string;
  /** JSON string of the URL cut to 3,000 characters */
  url: string;
  status: number;
  ms: number;
  /** JSON string of the header cut to 2,000 characters */
  referer: string;
  userAgent: string;
  /** JSON string of `collection/recordId`, '' for a guest */
  principal: string;
  /** [A-Za-z0-9._-] (the request id rule) or a UUID: never needs quoting */
  requestId: string;
  /** JSON string of the client's IP, '' when IPs are not logged */
  ip: string;
  remoteIP: string;
  /** hex, '' without a trace */
  traceId: string;
  /** whether the caller's record id is logged (`logAuthId`) */
  authId: boolean;
}

/** The `level` of a request's entry: 8 (error) for a 4xx or 5xx answer, else 0 (info). */
export function requestLevel(status: number): number {
  return status >= 400 ? 8 : 0;
}

/** Longest URL a stored entry keeps. */
export const STORED_URL_LENGTH = 3000;

/** The JSON string of a header kept in the log: `""` for most (absent), long ones cut to 2,000 characters. */
export function quoteHeader(text: string): string {
  return text === '' ? '""' : JSON.stringify(text.slice(0, 2000));
}

/**
 * The entry's `data` column: the JSON text of PocketBase's request log data. Written as
 * a template rather than `JSON.stringify` of a fresh object per request: the keys and
 * their order are fixed and the string values come quoted. The text equals what
 * `JSON.stringify` gives for the same object, key for key.
 */
export function requestDataText(facts: QuotedFacts): string {
  let auth = '""';
  let authId = '';
  if (facts.principal !== '') {
    const principal = JSON.parse(facts.principal) as string;
    const slash = principal.indexOf('/');
    auth = quoteHeader(slash < 0 ? principal : principal.slice(0, slash));
    if (facts.authId && slash >= 0 && slash < principal.length - 1)
      authId = JSON.stringify(principal.slice(slash + 1));
  }
  let text = `{"type":"request","execTime":${Math.round(facts.ms * 1000) / 1000},"url":${facts.url}`;
  text += `,"method":"${facts.method}","status":${facts.status}`;
  text += `,"referer":${facts.referer},"userAgent":${facts.userAgent}`;
  text += `,"auth":${auth},"requestId":"${facts.requestId}"`;
  if (authId) text += `,"authId":${authId}`;
  if (facts.ip) text += `,"userIP":${facts.ip},"remoteIP":${facts.remoteIP}`;
  if (facts.traceId) text += `,"traceId":"${facts.traceId}"`;
  return `${text}}`;
}

/** The entry's `message`: method and path, percent-escapes decoded when they are valid. */
export function requestLogMessage(method: string, url: string): string {
  const shown = url.slice(0, STORED_URL_LENGTH);
  if (!shown.includes('%')) return `${method} ${shown}`;
  try {
    return `${method} ${decodeURI(shown)}`;
  } catch {
    return `${method} ${shown}`;
  }
}
