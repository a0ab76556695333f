import type { Collection } from '../data/collection-types.ts';
import { invalidField } from '../lib/errors.ts';
import type { AuthDeps } from './auth-deps.ts';
import { isEmail } from './auth-lookup.ts';
import type { TemplateName } from './auth-mail-templates.ts';
import { sendAuthMail } from './auth-mails.ts';

// the template names of POST /api/settings/test/email, as PocketBase's dashboard sends them
const TEST_TEMPLATES: Record<string, TemplateName> = {
  verification: 'verification',
  'password-reset': 'resetPassword',
  'email-change': 'confirmEmailChange',
  otp: 'otp',
  'login-alert': 'authAlert',
};

/**
 * Sends one of a collection's templates to `email` with sample values, so a superuser
 * can check SMTP settings and template wording. Answers where the mail went.
 */
export async function sendTestMail(
  deps: AuthDeps,
  collection: Collection,
  template: unknown,
  email: unknown,
): Promise<void> {
  if (!isEmail(email)) throw invalidField('email', 'validation_is_email', 'Must be a valid email address.');
  const name = TEST_TEMPLATES[String(template)];
  if (!name)
    throw invalidField(
      'template',
      'validation_in_invalid',
      `Must be one of: ${Object.keys(TEST_TEMPLATES).join(', ')}.`,
      'Failed to send the test email.',
    );
  const sample = { id: 'testrecord00000', email, emailVisibility: false, verified: false };
  await sendAuthMail(
    deps,
    collection,
    sample,
    name,
    { TOKEN: 'sample-token', OTP: '123456', OTP_ID: 'sample-otp-id', ALERT_INFO: 'a test sign-in' },
    email,
    'send',
  );
}
