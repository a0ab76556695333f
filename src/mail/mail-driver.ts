/** One address, optionally with a display name. */
export interface MailAddress {
  address: string;
  name?: string;
}

/** A mail ready to send: rendered, with both an HTML and a plain-text body. */
export interface MailMessage {
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  html: string;
  text: string;
}

/**
 * Where mails go. Drivers are built from the current settings each time a mail is
 * sent, so a settings change takes effect on the next mail.
 *
 * Contract: `send` resolves once the mail is accepted (by the SMTP server, or written
 * durably to the outbox); it rejects with the engine's error otherwise and never
 * half-delivers. `close` releases connections and may be called more than once.
 */
export interface MailDriver {
  /** what the driver does with mails, for logs and the test-email answer */
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
