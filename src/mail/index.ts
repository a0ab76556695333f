/** Outgoing mail: SMTP or a development outbox, and templates with safe placeholders. */
export type { OutboxMail } from './drivers/outbox.ts';
export type { MailAddress, MailDriver, MailMessage } from './mail-driver.ts';
export { type MailLogger, MailService, type OutgoingMail } from './mail-service.ts';
export { type SmtpSettings, smtpSettingsSection } from './mail-settings.ts';
export { escapeHtml, type MailTemplate, renderTemplate, type TemplateValues } from './mail-templates.ts';
