import { join } from 'node:path';
import type { SettingsService } from '../settings/settings-service.ts';
import { listOutbox, openOutboxDriver, type OutboxMail } from './drivers/outbox.ts';
import { openSmtpDriver } from './drivers/smtp.ts';
import type { MailAddress, MailDriver } from './mail-driver.ts';
import type { SmtpSettings } from './mail-settings.ts';

/** Where background send failures are reported (a pino logger fits). */
export interface MailLogger {
  error(details: object, message: string): void;
}

/** What a caller sends: the sender comes from the settings (`meta.senderName/Address`). */
export interface OutgoingMail {
  to: MailAddress[];
  subject: string;
  html: string;
  text: string;
}

/**
 * Sends mail through SMTP when the settings enable it, else into the outbox folder
 * of the data dir. The choice is made per mail, so enabling SMTP needs no restart.
 */
export class MailService {
  readonly #settings: SettingsService;
  readonly #logger: MailLogger | undefined;
  readonly outboxDir: string;

  constructor(settings: SettingsService, dataDir: string, logger?: MailLogger) {
    this.#settings = settings;
    this.#logger = logger;
    this.outboxDir = join(dataDir, 'mail-outbox');
  }

  /**
   * Hands a mail over without making the caller wait on the network: the outbox is
   * written before this resolves, while SMTP delivery goes on in the background and a
   * failure is logged. Account flows use it so that the answer's timing does not tell
   * whether a mail was sent (that is, whether the account exists).
   */
  async post(mail: OutgoingMail): Promise<void> {
    if (this.mode === 'outbox') {
      await this.send(mail);
      return;
    }
    this.send(mail).catch((error: unknown) =>
      this.#logger?.error(
        { err: error, to: mail.to.map((t) => t.address) },
        `Sending a mail failed: ${(error as Error).message}`,
      ),
    );
  }

  /** Where mails go right now: 'smtp' or 'outbox'. */
  get mode(): 'smtp' | 'outbox' {
    return this.#smtp().enabled ? 'smtp' : 'outbox';
  }

  /** Sends one mail; rejects when the SMTP server refuses it or the outbox cannot be written. */
  async send(mail: OutgoingMail): Promise<'smtp' | 'outbox'> {
    const meta = this.#settings.get().meta;
    const driver = await this.#open();
    try {
      await driver.send({ ...mail, from: { name: meta.senderName, address: meta.senderAddress } });
      return driver.kind;
    } finally {
      await driver.close();
    }
  }

  /** The mails in the outbox, newest first. */
  outbox(limit?: number): Promise<OutboxMail[]> {
    return listOutbox(this.outboxDir, limit);
  }

  #smtp(): SmtpSettings {
    return this.#settings.get().smtp as SmtpSettings;
  }

  #open(): Promise<MailDriver> | MailDriver {
    const smtp = this.#smtp();
    return smtp.enabled ? openSmtpDriver(smtp) : openOutboxDriver(this.outboxDir);
  }
}
