/**
 * Names whose values never reach a log line or a stored log: headers, query
 * parameters and JSON body keys (compared case-insensitively in URLs).
 */
export const SECRET_NAMES = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
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

/**
 * pino redact paths: the secret names at the top of a log object and one or two levels
 * down (`body.password`, `req.headers.authorization`, `err.config.headers.cookie`).
 */
export const REDACT_PATHS: string[] = SECRET_NAMES.flatMap((name) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`;
  return [key.startsWith('.') ? name : `["${name}"]`, `*${key}`, `*.*${key}`, `*.*.*${key}`];
});

const SECRET_QUERY = new RegExp(`([?&;](?:${SECRET_NAMES.join('|')})=)[^&#;]*`, 'gi');

/** Replaces secret query parameter values in a URL (or referer) before it is logged or stored. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}
