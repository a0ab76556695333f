import type { MailTemplate } from '../mail/index.ts';

/** The mails auth sends, by template name. */
export type TemplateName = 'verification' | 'resetPassword' | 'confirmEmailChange' | 'otp' | 'authAlert';

// Links point at the admin dashboard's confirmation pages, as PocketBase's defaults do;
// apps with their own pages set their own templates. {APP_URL} comes from settings
// (meta.appURL), never from the request.
const sign = '<p>Thanks,<br/>{APP_NAME} team</p>';

/** Basalt's default templates (our own wording). */
export const DEFAULT_TEMPLATES: Record<TemplateName, MailTemplate> = {
  verification: {
    subject: 'Confirm your {APP_NAME} email address',
    body: `<p>Hello,</p><p>Please confirm your email address by opening the link below.</p><p><a href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}">Confirm my email</a></p>${sign}`,
  },
  resetPassword: {
    subject: 'Reset your {APP_NAME} password',
    body: `<p>Hello,</p><p>Someone asked to reset the password of your account. Open the link below to choose a new one.</p><p><a href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}">Reset my password</a></p><p>If it wasn't you, ignore this mail.</p>${sign}`,
  },
  confirmEmailChange: {
    subject: 'Confirm your new {APP_NAME} email address',
    body: `<p>Hello,</p><p>Open the link below to confirm this as the new email address of your account.</p><p><a href="{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}">Confirm my new email</a></p><p>If it wasn't you, ignore this mail.</p>${sign}`,
  },
  otp: {
    subject: 'Your {APP_NAME} sign-in code',
    body: `<p>Hello,</p><p>Your one-time sign-in code is: <strong>{OTP}</strong></p><p>If you did not ask for it, ignore this mail.</p>${sign}`,
  },
  authAlert: {
    subject: 'New sign-in to your {APP_NAME} account',
    body: `<p>Hello,</p><p>Your account was signed in to from a new place: {ALERT_INFO}.</p><p>If it wasn't you, change your password right away.</p>${sign}`,
  },
};
