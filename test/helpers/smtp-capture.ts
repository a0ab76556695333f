import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the test SMTP server received it, with its body decoded. */
export interface CapturedMail {
  from: string;
  to: string[];
  /** the raw message (headers + body) with quoted-printable soft breaks and escapes undone */
  text: string;
  /** the message exactly as received */
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every mail it accepts. */
export interface SmtpCapture {
  port: number;
  mails: CapturedMail[];
  /** waits until a mail to `address` arrives (after `since` mails), or fails after `ms` */
  waitFor(address: string, since?: number, ms?: number): Promise<CapturedMail>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(raw: string): string {
  return (
    raw
      .replace(/=\r?\n/g, '')
      // runs of escaped bytes decode together, so multi-byte UTF-8 characters come out whole
      .replace(/(?:=[0-9A-F]{2})+/g, (run: string) =>
        Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'),
      )
  );
}

/** Starts the capture server; any username/password is accepted. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          text: decodeQuotedPrintable(raw),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    async waitFor(address, since = 0, ms = 5000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const found = mails.slice(since).find((m) => m.to.includes(address));
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no mail to ${address} within ${ms} ms (got ${mails.length} mails)`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token at the end of a confirmation link in a mail (`…/confirm-xxx/<token>`). */
export function tokenFromMail(text: string, action: string): string {
  const match = new RegExp(`/${action}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`no ${action} link in mail:\n${text}`);
  return match[1];
}
