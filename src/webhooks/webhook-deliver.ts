import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateTargetError } from './ssrf-guard.ts';

/** One POST to deliver. */
export interface DeliveryRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  allowPrivate: boolean;
  timeoutMs: number;
  /** redirects followed at most (each target checked again) */
  maxRedirects: number;
}

/** What happened: the final HTTP status (0 when none came) and the URL that answered. */
export interface DeliveryResult {
  status: number;
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * POSTs a webhook body, following redirects by hand so every hop's host is checked
 * against the private-address rules (a public URL may redirect to 169.254.169.254).
 * Throws for network errors and refused targets; any HTTP status is a result.
 */
export async function deliver(req: DeliveryRequest): Promise<DeliveryResult> {
  let url = new URL(req.url);
  for (let hop = 0; ; hop++) {
    const { status, location } = await postOnce(url, req);
    if (!REDIRECTS.has(status) || !location) return { status, url: url.toString() };
    if (hop >= req.maxRedirects) throw new Error(`too many redirects (more than ${req.maxRedirects})`);
    url = new URL(location, url);
  }
}

function postOnce(url: URL, req: DeliveryRequest): Promise<{ status: number; location?: string }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new Error(`unsupported URL scheme ${url.protocol} (only http and https)`));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // literal addresses never reach a lookup, so they are checked here
  if (!req.allowPrivate && isIP(host) && isPrivateAddress(host))
    return Promise.reject(new PrivateTargetError(host, host));
  // getBuiltinModule, not `import … from 'node:http'`: an ES import of node:http also
  // evaluates its WebSocket export, which loads Node's bundled fetch library (~1.5 MB)
  const send =
    url.protocol === 'https:'
      ? process.getBuiltinModule('node:https').request
      : process.getBuiltinModule('node:http').request;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) },
        lookup: req.allowPrivate ? undefined : guardedLookup,
        timeout: req.timeoutMs,
      },
      (response) => {
        response.resume(); // the receiver's body is not needed; drain it so the socket frees
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, location: response.headers.location }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(req.body);
  });
}
