import type { ArgSpec, Command, CommandContext } from '../command.ts';
import { type BasaltApp, withApp } from '../open-app.ts';

const EMAIL: ArgSpec = { name: 'EMAIL', description: "the superuser's email address" };
const PASSWORD: ArgSpec = { name: 'PASSWORD', description: 'the new password' };

/** A `superuser` subcommand: opens the app (no HTTP), runs `action`, prints what it did. */
function subcommand(
  name: string,
  summary: string,
  args: ArgSpec[],
  action: (app: BasaltApp, email: string, password: string) => Promise<string>,
): Command {
  return {
    name,
    summary,
    args,
    config: 'brief',
    async run({ io, args: [email, password], loadConfig }: CommandContext) {
      const message = await withApp(loadConfig(), (app) => action(app, email, password));
      io.stdout.write(`${message}\n`);
      return 0;
    },
  };
}

/** `basalt superuser …`: manage superusers from the command line, as PocketBase does. */
export const superuserCommand: Command = {
  name: 'superuser',
  summary: 'Manage superusers.',
  subcommands: [
    subcommand(
      'upsert',
      'Create a superuser, or set the password of an existing one.',
      [EMAIL, PASSWORD],
      async (app, email, password) => {
        const { created } = await app.superusers.upsert(email, password);
        return created ? `Created superuser "${email}".` : `Updated the password of superuser "${email}".`;
      },
    ),
    subcommand('create', 'Create a new superuser.', [EMAIL, PASSWORD], async (app, email, password) => {
      await app.superusers.create(email, password);
      return `Created superuser "${email}".`;
    }),
    subcommand(
      'update',
      "Change an existing superuser's password.",
      [EMAIL, PASSWORD],
      async (app, email, password) => {
        await app.superusers.update(email, password);
        return `Updated the password of superuser "${email}".`;
      },
    ),
    subcommand('delete', 'Delete a superuser.', [EMAIL], async (app, email) => {
      await app.superusers.delete(email);
      return `Deleted superuser "${email}".`;
    }),
    subcommand(
      'otp',
      'Print a one-time code to sign in as a superuser (when the password is lost).',
      [EMAIL],
      async (app, email) => {
        const { otpId, code, durationSeconds } = await app.services.auth.superuserOtp(email);
        const appURL = app.services.settings.get().meta.appURL.replace(/\/+$/, '');
        return [
          `One-time code for superuser "${email}" (valid for ${durationSeconds} seconds, usable once):`,
          `  otpId: ${otpId}`,
          `  code:  ${code}`,
          'Sign in with the SDK:',
          `  await pb.collection('_superusers').authWithOTP('${otpId}', '${code}')`,
          'or over HTTP:',
          `  curl -X POST ${appURL}/api/collections/_superusers/auth-with-otp -H 'content-type: application/json' -d '{"otpId":"${otpId}","password":"${code}"}'`,
        ].join('\n');
      },
    ),
  ],
  examples: [
    'basalt superuser upsert admin@example.com "a long password"',
    'basalt superuser delete old@example.com',
    'basalt superuser otp admin@example.com',
  ],
};
