import type { SettingsSection } from '../settings/settings-service.ts';
import { type ErrorData, fieldError } from '../lib/errors.ts';

/** The `smtp` section of the settings, in PocketBase's shape. */
export interface SmtpSettings extends Record<string, unknown> {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  password: string;
  /** "PLAIN" (default) or "LOGIN" */
  authMethod: string;
  /** implicit TLS (port 465); otherwise STARTTLS is used when the server offers it */
  tls: boolean;
  localName: string;
}

/** Settings section for outgoing mail; the password is a secret (stored, answered empty). */
export const smtpSettingsSection: SettingsSection<SmtpSettings> = {
  name: 'smtp',
  secrets: ['password'],
  defaults: () => ({
    enabled: false,
    host: 'smtp.example.com',
    port: 587,
    username: '',
    password: '',
    authMethod: '',
    tls: false,
    localName: '',
  }),
  validate(v) {
    const problems: ErrorData = {};
    if (typeof v.enabled !== 'boolean')
      problems.enabled = fieldError('validation_invalid_bool', 'Must be true or false.');
    if (v.enabled && (typeof v.host !== 'string' || !v.host.trim()))
      problems.host = fieldError('validation_required', 'Cannot be blank while SMTP is enabled.');
    if (!Number.isInteger(v.port) || v.port < (v.enabled ? 1 : 0) || v.port > 65535)
      problems.port = fieldError('validation_invalid_port', 'Must be a port number between 1 and 65535.');
    if (!['', 'PLAIN', 'LOGIN'].includes(String(v.authMethod)))
      problems.authMethod = fieldError('validation_in_invalid', 'Must be PLAIN or LOGIN.');
    if (typeof v.tls !== 'boolean')
      problems.tls = fieldError('validation_invalid_bool', 'Must be true or false.');
    for (const key of ['username', 'password', 'localName'] as const) {
      if (typeof v[key] !== 'string')
        problems[key] = fieldError('validation_invalid_string', 'Must be text.');
    }
    return Object.keys(problems).length ? problems : null;
  },
};
