import type { Collection } from '../data/collection-types.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import { type MailService, renderTemplate } from '../mail/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { authOptions } from './auth-options.ts';
import type { TemplateName } from './auth-mail-templates.ts';

// fields a template may never print, whatever the template author writes
const NEVER_IN_MAILS = new Set(['password', 'tokenKey']);

/**
 * Sends one of an auth collection's mails to `to` (the record's email unless given);
 * with `mode: 'post'` SMTP delivery happens in the background.
 * The app name and URL come from the settings (`meta`), never from the request, so a
 * forged Host header cannot redirect a reset link.
 */
export async function sendAuthMail(
  deps: { mail: MailService; settings: SettingsService },
  collection: Collection,
  record: RecordRow,
  name: TemplateName,
  values: Record<string, string>,
  to: string = String(record.email),
  mode: 'post' | 'send' = 'post',
): Promise<void> {
  const meta = deps.settings.get().meta;
  const visible: Record<string, unknown> = {};
  for (const field of collection.fields) {
    if (!NEVER_IN_MAILS.has(field.name) && !field.hidden) visible[field.name] = record[field.name];
  }
  const rendered = renderTemplate(authOptions(collection).templates[name], {
    appName: meta.appName,
    appURL: meta.appURL,
    values,
    record: visible,
  });
  const mail = { to: [{ address: to }], ...rendered };
  // 'post' for account flows (no waiting on SMTP, see MailService.post); 'send' reports failures
  if (mode === 'send') await deps.mail.send(mail);
  else await deps.mail.post(mail);
}
