import type { Command, CommandContext } from '../command.ts';
import { withApp } from '../open-app.ts';

/** `basalt mail outbox [--json]`: the mails written to the dev outbox (no SMTP configured). */
const outboxCommand: Command = {
  name: 'outbox',
  summary: 'List the mails in the development outbox, newest first.',
  description:
    'Without SMTP settings, Basalt writes every mail (verification links, reset links, sign-in codes) to an outbox folder in the data dir instead of sending it. This lists them.',
  flags: {
    json: { type: 'boolean', description: 'Print the mails as JSON (with their HTML and text bodies).' },
    limit: { type: 'string', placeholder: 'N', description: 'Show at most N mails (default 20).' },
  },
  config: 'brief',
  async run({ io, flags, loadConfig }: CommandContext) {
    const limit = Math.max(1, Number(flags.limit) || 20);
    const output = await withApp(loadConfig(), async (app) => {
      const mail = app.services.mail;
      const mails = await mail.outbox(limit);
      if (flags.json) return JSON.stringify(mails, null, 2);
      const note = mail.mode === 'smtp' ? ' (SMTP is enabled now, so new mails are sent, not kept here)' : '';
      if (!mails.length) return `The outbox is empty${note}: ${mail.outboxDir}`;
      const lines = mails.map(
        (m) => `${m.created}  to ${m.to.map((t) => t.address).join(', ')}  "${m.subject}"\n${indent(m.text)}`,
      );
      return `${mails.length} mail(s) in ${mail.outboxDir}${note}:\n\n${lines.join('\n\n')}`;
    });
    io.stdout.write(`${output}\n`);
    return 0;
  },
};

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** `basalt mail …`: outgoing mail tools. */
export const mailCommand: Command = {
  name: 'mail',
  summary: 'Outgoing mail: read the development outbox.',
  subcommands: [outboxCommand],
  examples: ['basalt mail outbox', 'basalt mail outbox --json --limit 5'],
};
