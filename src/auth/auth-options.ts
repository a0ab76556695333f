import type { Collection } from '../data/collection-types.ts';
import type { MailTemplate } from '../mail/index.ts';
import { DEFAULT_TEMPLATES, type TemplateName } from './auth-mail-templates.ts';

/** One-time password sign-in options (`otp`). */
export interface OtpOptions {
  enabled: boolean;
  /** seconds a code stays valid */
  duration: number;
  /** digits in a code */
  length: number;
  emailTemplate: MailTemplate;
}

/** Multi-factor options (`mfa`): a second, different method within `duration` seconds. */
export interface MfaOptions {
  enabled: boolean;
  duration: number;
  /** records that match need MFA; "" means every record */
  rule: string;
}

/** The account-flow options of an auth collection, with PocketBase's defaults filled in. */
export interface AuthOptions {
  otp: OtpOptions;
  mfa: MfaOptions;
  authAlert: { enabled: boolean; emailTemplate: MailTemplate };
  passwordAuth: { enabled: boolean; identityFields: string[] };
  templates: Record<TemplateName, MailTemplate>;
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function template(value: unknown, fallback: MailTemplate): MailTemplate {
  const t = obj(value);
  return {
    subject: typeof t.subject === 'string' && t.subject ? t.subject : fallback.subject,
    body: typeof t.body === 'string' && t.body ? t.body : fallback.body,
  };
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && value > 0 ? value : fallback;
}

/** Reads the options of an auth collection; missing or empty values take the defaults. */
export function authOptions(collection: Collection): AuthOptions {
  const otp = obj(collection.otp);
  const mfa = obj(collection.mfa);
  const alert = obj(collection.authAlert);
  const password = obj(collection.passwordAuth);
  return {
    otp: {
      enabled: otp.enabled === true,
      duration: num(otp.duration, 180),
      length: num(otp.length, 8),
      emailTemplate: template(otp.emailTemplate, DEFAULT_TEMPLATES.otp),
    },
    mfa: { enabled: mfa.enabled === true, duration: num(mfa.duration, 600), rule: String(mfa.rule ?? '') },
    authAlert: {
      enabled: alert.enabled !== false,
      emailTemplate: template(alert.emailTemplate, DEFAULT_TEMPLATES.authAlert),
    },
    passwordAuth: {
      enabled: password.enabled !== false,
      identityFields: Array.isArray(password.identityFields)
        ? (password.identityFields as string[])
        : ['email'],
    },
    templates: {
      verification: template(collection.verificationTemplate, DEFAULT_TEMPLATES.verification),
      resetPassword: template(collection.resetPasswordTemplate, DEFAULT_TEMPLATES.resetPassword),
      confirmEmailChange: template(
        collection.confirmEmailChangeTemplate,
        DEFAULT_TEMPLATES.confirmEmailChange,
      ),
      otp: template(otp.emailTemplate, DEFAULT_TEMPLATES.otp),
      authAlert: template(alert.emailTemplate, DEFAULT_TEMPLATES.authAlert),
    },
  };
}
