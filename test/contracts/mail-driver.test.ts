/**
 * The MailDriver contract, run over both drivers: `send` resolves only once the mail
 * is delivered whole (accepted by the SMTP server, or listed in the outbox), keeps
 * subject, recipients and both bodies, rejects when delivery is impossible, and
 * `close` may be called twice. The SMTP side talks to a real SMTP server started here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listOutbox, openOutboxDriver } from '../../src/mail/drivers/outbox.ts';
import { openSmtpDriver } from '../../src/mail/drivers/smtp.ts';
import type { MailDriver, MailMessage } from '../../src/mail/index.ts';
import { smtpSettingsSection } from '../../src/mail/index.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp-capture.ts';

const MESSAGE: MailMessage = {
  from: { name: 'Basalt Tests', address: 'from@example.com' },
  to: [{ address: 'one@example.com' }, { address: 'two@example.com', name: 'Two' }],
  subject: 'Contract ✓ subject',
  html: '<p>Hello <strong>world</strong> — ünïcode</p>',
  text: 'Hello world — ünïcode',
};

interface Harness {
  driver(): Promise<MailDriver>;
  /** what arrived: subject, recipients and a text that must contain both bodies' words */
  received(): Promise<{ subject: string; to: string[]; body: string }[]>;
  /** a driver whose delivery must fail */
  broken(): Promise<MailDriver>;
}

function contract(name: string, harness: () => Harness): void {
  describe(`MailDriver contract: ${name}`, () => {
    test('send delivers subject, every recipient and both bodies before it resolves', async () => {
      const h = harness();
      const driver = await h.driver();
      await driver.send(MESSAGE);
      await driver.close();
      await driver.close();
      const [mail] = await h.received();
      assert.ok(mail, 'one mail arrived');
      assert.equal(mail.subject, MESSAGE.subject);
      assert.deepEqual(mail.to.sort(), ['one@example.com', 'two@example.com']);
      assert.ok(mail.body.includes('<strong>world</strong>'), 'the HTML body');
      assert.ok(mail.body.includes('Hello world — ünïcode'), 'the text body');
    });

    test('send rejects when the mail cannot be delivered', async () => {
      const driver = await harness().broken();
      await assert.rejects(driver.send(MESSAGE));
      await driver.close();
    });
  });
}

describe('mail drivers', () => {
  let smtp: SmtpCapture;
  const dirs: string[] = [];
  before(async () => {
    smtp = await startSmtpCapture();
  });
  after(async () => {
    await smtp.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const smtpSettings = (port: number) => ({
    ...smtpSettingsSection.defaults(),
    enabled: true,
    host: '127.0.0.1',
    port,
  });

  contract('smtp', () => {
    const since = smtp.mails.length;
    return {
      driver: () => openSmtpDriver(smtpSettings(smtp.port)),
      async received() {
        await smtp.waitFor('one@example.com', since);
        return smtp.mails.slice(since).map((m) => ({
          subject: decodeSubject(/^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(m.raw)?.[1] ?? ''),
          to: m.to,
          body: m.text,
        }));
      },
      broken: () => openSmtpDriver(smtpSettings(1)),
    };
  });

  contract('outbox', () => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-outbox-'));
    dirs.push(dir);
    return {
      driver: async () => openOutboxDriver(dir),
      async received() {
        return (await listOutbox(dir)).map((m) => ({
          subject: m.subject,
          to: m.to.map((t) => t.address),
          body: `${m.html}\n${m.text}`,
        }));
      },
      // a regular file where the folder should be: nothing can be written under it
      broken: async () => openOutboxDriver(join(import.meta.filename, 'outbox')),
    };
  });
});

/** Undoes RFC 2047 encoded words (`=?UTF-8?Q?…?=` or `=?UTF-8?B?…?=`), as nodemailer writes non-ASCII subjects. */
function decodeSubject(value: string): string {
  return value.replace(/=\?UTF-8\?([QB])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) => {
    if (kind.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text
      .replace(/_/g, ' ')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}
