/**
 * Request facts as plain values, quoted the way the request hook quotes them: the tests'
 * way to build a stored request entry from readable inputs and compare it with the
 * `JSON.stringify` of the same object.
 */
import type { LogsSettings } from '../../src/observability/logs-settings.ts';
import {
  type QuotedFacts,
  quoteHeader,
  requestDataText,
  STORED_URL_LENGTH,
} from '../../src/observability/request-log-row.ts';

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

/** `RequestFacts` quoted as the batch carries them (the request hook quotes from its per-request caches). */
export function quoteFacts(facts: RequestFacts, settings: LogsSettings): QuotedFacts {
  return {
    method: facts.method,
    url: JSON.stringify(facts.url.slice(0, STORED_URL_LENGTH)),
    status: facts.status,
    ms: facts.ms,
    referer: quoteHeader(facts.referer),
    userAgent: quoteHeader(facts.userAgent),
    principal: facts.principal ? JSON.stringify(facts.principal) : '',
    requestId: facts.requestId,
    ip: settings.logIP ? JSON.stringify(facts.ip) : '',
    remoteIP: settings.logIP ? JSON.stringify(facts.remoteIP) : '',
    traceId: facts.traceId ?? '',
    authId: settings.logAuthId,
  };
}

/** The entry's `data` column from the facts and settings (see `requestDataText`). */
export function requestLogData(facts: RequestFacts, settings: LogsSettings): string {
  return requestDataText(quoteFacts(facts, settings));
}

