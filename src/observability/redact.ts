/** Header names whose values never reach a log line or a stored log. */
export const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
] as const;

/** Query parameter and JSON body keys whose values never reach a log line or a stored log. */
export const SECRET_NAMES = [
  'password',
  'passwordConfirm',
  'oldPassword',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'accessToken',
  'refreshToken',
  'secret',
  'secretAccessKey',
  'client_secret',
  'clientSecret',
  'apiKey',
  'api_key',
  'apikey',
  'key',
  'code',
  'otp',
  'signature',
] as const;

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`);

/**
 * pino redact paths, all explicit: a `*` wildcard would make pino walk every object of
 * every log line. Secrets are covered where Basalt's code puts them: headers under
 * `req`/`res`/`headers`, body and query keys at the top or under `body`/`query`.
 */
export const REDACT_PATHS: string[] = [
  ...SECRET_HEADERS.flatMap((h) => [`req.headers${key(h)}`, `res.headers${key(h)}`, `headers${key(h)}`]),
  ...SECRET_NAMES.flatMap((n) => [key(n).replace(/^\./, ''), `body${key(n)}`, `query${key(n)}`]),
];

const SECRET_PARAMS = new Set<string>([...SECRET_NAMES, ...SECRET_HEADERS].map((n) => n.toLowerCase()));
const PARAM = /([^&;=#]+)=([^&;#]*)/g;

/**
 * Replaces the values of secret query parameters in a URL (or a referer) before it is
 * logged or stored. Names are compared decoded and case-insensitively, so
 * `?pass%77ord=…` and `?TOKEN=…` are caught too.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .replace(PARAM, (pair, name: string) =>
      SECRET_PARAMS.has(decode(name).toLowerCase()) ? `${name}=[redacted]` : pair,
    );
  return `${url.slice(0, q + 1)}${query}`;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}
