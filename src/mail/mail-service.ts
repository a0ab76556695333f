import { join } from 'node:path';
import type { SettingsService } from '../settings/settings-service.ts';
import { listOutbox, openOutboxDriver, type OutboxMail } from './drivers/outbox.ts';
import { openSmtpDriver } from './drivers/smtp.ts';
import type { MailAddress, MailDriver } from './mail-driver.ts';
import type { SmtpSettings } from './mail-settings.ts';

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
  readonly outboxDir: string;

  constructor(settings: SettingsService, dataDir: string) {
    this.#settings = settings;
    this.outboxDir = join(dataDir, 'mail-outbox');
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
