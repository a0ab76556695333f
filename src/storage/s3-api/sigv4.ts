import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from './s3-error.ts';

/** A verified request's signing context, which aws-chunked payloads continue from. */
export interface SignedRequest {
  accessKeyId: string;
  /** the x-amz-content-sha256 the request declared (hex, UNSIGNED-PAYLOAD, STREAMING-…) */
  payloadHash: string;
  signingKey: Buffer;
  signature: string;
  amzDate: string;
  scope: string;
}

/** What verification needs of the request, independent of the HTTP framework. */
export interface RequestToVerify {
  method: string;
  /** the request target as received: path and query, still percent-encoded */
  url: string;
  /** lower-case header names */
  headers: Record<string, string | string[] | undefined>;
}

/** Signed requests may be this far from the server's clock (S3's own window). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** S3's URI encoding: everything but unreserved characters (and `/` in paths) as %XX. */
export function uriEncode(text: string, keepSlash: boolean): string {
  // most names and values need no escaping; this runs for every part of every signed request
  if (UNRESERVED.test(text)) return text;
  let out: string;
  try {
    // encodeURIComponent leaves !'()* as they are, which S3 (RFC 3986) escapes
    out = encodeURIComponent(text).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    // a lone surrogate: encoded as its replacement character, as Buffer.from does
    return uriEncodeBytes(text, keepSlash);
  }
  return keepSlash ? out.replace(/%2F/g, '/') : out;
}

function uriEncodeBytes(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error('InvalidArgument', 'The request URL is not properly percent-encoded.');
  }
};

const signingKeys = new Map<string, Buffer>();

/**
 * The signing key for a date/region: HMAC chain over the secret. The same for a whole
 * day, so kept (a few keys at a time) instead of four HMACs per request.
 */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}\n${region}\n${service}\n${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    if (signingKeys.size >= 64) signingKeys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    signingKeys.set(id, key);
  }
  return key;
}

interface Auth {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
}

/** Reads the credential from the Authorization header or the presigned query; null when anonymous. */
function readAuth(request: RequestToVerify, query: [string, string][]): Auth | null {
  const header = String(request.headers.authorization ?? '');
  const q = new Map(query);
  if (header.startsWith('AWS4-HMAC-SHA256 ')) {
    const parts = Object.fromEntries(
      header
        .slice(17)
        .split(',')
        .map((p) => p.trim().split('=') as [string, string]),
    );
    const credential = String(parts.Credential ?? '').split('/');
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    if (credential.length !== 5 || !parts.SignedHeaders || !parts.Signature || !amzDate)
      throw new S3Error('AuthorizationHeaderMalformed');
    const [accessKeyId, date, region, service] = credential;
    return {
      accessKeyId,
      date,
      region,
      service,
      signedHeaders: parts.SignedHeaders.split(';'),
      signature: parts.Signature,
      amzDate,
      presigned: false,
    };
  }
  if (header) throw new S3Error('AccessDenied', 'Only AWS Signature Version 4 is supported.');
  if (!q.has('X-Amz-Signature')) return null;
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new S3Error('AuthorizationQueryParametersError');
  const credential = String(q.get('X-Amz-Credential') ?? '').split('/');
  const amzDate = q.get('X-Amz-Date') ?? '';
  if (credential.length !== 5 || !amzDate || !q.get('X-Amz-SignedHeaders'))
    throw new S3Error('AuthorizationQueryParametersError');
  const expires = Number(q.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > 604800)
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be between 1 and 604800 seconds.',
    );
  if (Date.now() > parseAmzDate(amzDate) + expires * 1000)
    throw new S3Error('AccessDenied', 'Request has expired.');
  const [accessKeyId, date, region, service] = credential;
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: String(q.get('X-Amz-SignedHeaders')).split(';'),
    signature: q.get('X-Amz-Signature')!,
    amzDate,
    presigned: true,
  };
}

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(amzDate);
  if (!m) throw new S3Error('AccessDenied', 'X-Amz-Date is not in the ISO 8601 basic format.');
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** The query string as decoded pairs, in request order. */
export function queryPairs(url: string): [string, string][] {
  const at = url.indexOf('?');
  if (at < 0) return [];
  return url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
}

/**
 * Verifies an AWS Signature Version 4 request (Authorization header or presigned
 * query) with the secret `secretOf` answers for its access key. Answers null for an
 * anonymous request; throws S3Error 403s for unknown keys, bad signatures, stale or
 * future dates (outside 15 minutes) and expired presigned URLs.
 */
export function verifySigV4(
  request: RequestToVerify,
  secretOf: (accessKeyId: string) => string | null,
): SignedRequest | null {
  const query = queryPairs(request.url);
  const auth = readAuth(request, query);
  if (!auth) return null;
  const time = parseAmzDate(auth.amzDate);
  if (!auth.presigned && Math.abs(Date.now() - time) > MAX_SKEW_MS) throw new S3Error('RequestTimeTooSkewed');
  if (auth.presigned && time - Date.now() > MAX_SKEW_MS) throw new S3Error('RequestTimeTooSkewed');
  if (auth.date !== auth.amzDate.slice(0, 8) || auth.service !== 's3')
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The credential scope does not match the request date or service.',
    );
  const secret = secretOf(auth.accessKeyId);
  if (secret === null) throw new S3Error('InvalidAccessKeyId');
  const payloadHash = auth.presigned
    ? 'UNSIGNED-PAYLOAD'
    : String(request.headers['x-amz-content-sha256'] ?? '');
  if (!payloadHash)
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256.');
  const path = request.url.split('?')[0];
  const canonicalUri = path
    .split('/')
    .map((segment) => uriEncode(decode(segment), false))
    .join('/');
  const canonicalQuery = query
    .filter(([k]) => !(auth.presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = auth.signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(',') : String(value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonical = [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', auth.amzDate, scope, sha256(canonical)].join('\n');
  const key = signingKey(secret, auth.date, auth.region, auth.service);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (!sameHex(expected, auth.signature)) throw new S3Error('SignatureDoesNotMatch');
  return {
    accessKeyId: auth.accessKeyId,
    payloadHash,
    signingKey: key,
    signature: auth.signature,
    amzDate: auth.amzDate,
    scope,
  };
}

/** Constant-time comparison of two hex signatures. */
export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
