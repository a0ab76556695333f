import type { MailDriver, MailMessage } from '../mail-driver.ts';
import type { SmtpSettings } from '../mail-settings.ts';

/** The few nodemailer transport methods used here, typed structurally. */
interface Transport {
  sendMail(mail: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** Sends through an SMTP server with nodemailer (loaded only when SMTP is enabled). */
export async function openSmtpDriver(settings: SmtpSettings): Promise<MailDriver> {
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls,
    name: settings.localName || undefined,
    auth: settings.username
      ? {
          user: settings.username,
          pass: settings.password,
          method: settings.authMethod || undefined,
        }
      : undefined,
    // a mail that cannot be handed over within this time fails instead of hanging the request
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  }) as unknown as Transport;
  return {
    kind: 'smtp',
    async send(message: MailMessage) {
      await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
      });
    },
    async close() {
      transport.close();
    },
  };
}
