import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomString } from '../../lib/random.ts';
import type { MailDriver, MailMessage } from '../mail-driver.ts';

/** A mail in the outbox, as listed by the API and the CLI. */
export interface OutboxMail extends MailMessage {
  id: string;
  /** ISO time the mail was written */
  created: string;
}

/**
 * Writes each mail as one JSON file in a folder of the data dir, for local
 * development without an SMTP server. Files are written under a temporary name and
 * renamed, so a listed mail is always complete.
 */
export function openOutboxDriver(dir: string): MailDriver {
  return {
    kind: 'outbox',
    async send(message) {
      await mkdir(dir, { recursive: true });
      const created = new Date().toISOString();
      // the time prefix makes file names sort in sending order
      const id = `${created.replace(/[-:.]/g, '')}-${randomString(8)}`;
      const mail: OutboxMail = { id, created, ...message };
      const path = join(dir, `${id}.json`);
      await writeFile(`${path}.tmp`, JSON.stringify(mail, null, 2));
      await rename(`${path}.tmp`, path);
    },
    async close() {},
  };
}

/** The mails in an outbox folder, newest first; an absent folder is an empty outbox. */
export async function listOutbox(dir: string, limit = 100): Promise<OutboxMail[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  names.sort().reverse();
  const mails: OutboxMail[] = [];
  for (const name of names.slice(0, limit)) {
    mails.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as OutboxMail);
  }
  return mails;
}
