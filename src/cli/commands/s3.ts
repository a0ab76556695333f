import type { Command, CommandContext } from '../command.ts';
import { type BasaltApp, withApp } from '../open-app.ts';

/** The S3 endpoint's key store of an opened app, with a clear error when the endpoint is off. */
function keysOf(app: BasaltApp) {
  const s3 = app.services.storage.s3;
  if (!s3)
    throw new Error('The S3 endpoint is switched off (s3Prefix is "off"); set --s3-prefix /s3 to use keys.');
  return s3.keys;
}

const create: Command = {
  name: 'create',
  summary: 'Create an access key for the S3 endpoint and print its secret (shown only once).',
  args: [{ name: 'NAME', description: 'a label for the key, e.g. the app or person using it' }],
  flags: {
    bucket: {
      type: 'string',
      list: true,
      placeholder: 'B',
      description: 'A bucket the key may use (repeat for more; default: every bucket).',
    },
    'read-only': { type: 'boolean', description: 'Allow reads only (GET, HEAD, listings).' },
    json: { type: 'boolean', description: 'Print one JSON line {"accessKeyId":…,"secretAccessKey":…}.' },
  },
  config: 'brief',
  async run({ io, args: [name], flags, loadConfig }: CommandContext) {
    const buckets = typeof flags.bucket === 'string' ? flags.bucket.split(',').filter(Boolean) : [];
    const key = await withApp(loadConfig(), (app) =>
      keysOf(app).create(name, buckets, flags['read-only'] === true),
    );
    if (flags.json === true) {
      io.stdout.write(
        `${JSON.stringify({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey })}\n`,
      );
      return 0;
    }
    io.stdout.write(
      `${[
        `Created S3 access key "${name}" (${key.readOnly ? 'read-only' : 'read-write'}, buckets: ${key.buckets.join(', ')}).`,
        `  Access key id:     ${key.accessKeyId}`,
        `  Secret access key: ${key.secretAccessKey}`,
        'Keep the secret now: it is not shown again. Use it with any S3 client, e.g.',
        `  AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=… aws --endpoint-url http://127.0.0.1:8090/s3 s3 ls`,
      ].join('\n')}\n`,
    );
    return 0;
  },
};

const list: Command = {
  name: 'list',
  summary: 'List the S3 access keys (never their secrets).',
  flags: { json: { type: 'boolean', description: 'Print the keys as JSON.' } },
  config: 'brief',
  async run({ io, flags, loadConfig }: CommandContext) {
    const keys = await withApp(loadConfig(), (app) => keysOf(app).list());
    if (flags.json === true) {
      io.stdout.write(`${JSON.stringify(keys)}\n`);
      return 0;
    }
    if (keys.length === 0)
      io.stdout.write('No S3 access keys yet. Create one with: basalt s3 keys create NAME\n');
    for (const k of keys) {
      io.stdout.write(
        `${k.accessKeyId}  ${k.name}  ${k.readOnly ? 'read-only ' : 'read-write'}  buckets: ${k.buckets.join(',')}  created ${k.created}\n`,
      );
    }
    return 0;
  },
};

const revoke: Command = {
  name: 'revoke',
  summary: 'Revoke an S3 access key by its access key id or name (takes effect within a second).',
  args: [{ name: 'KEY', description: 'the access key id, or the name given at creation' }],
  config: 'brief',
  async run({ io, args: [id], loadConfig }: CommandContext) {
    const removed = await withApp(loadConfig(), (app) => keysOf(app).revoke(id));
    if (removed === 0) {
      io.stderr.write(`No S3 access key has the id or name "${id}". See them with: basalt s3 keys list\n`);
      return 1;
    }
    io.stdout.write(`Revoked ${removed} S3 access key${removed === 1 ? '' : 's'} ("${id}").\n`);
    return 0;
  },
};

/** `basalt s3 keys …`: access keys of the S3-compatible endpoint. */
export const s3Command: Command = {
  name: 's3',
  summary: 'Manage the S3-compatible endpoint.',
  subcommands: [
    { name: 'keys', summary: 'Create, list and revoke S3 access keys.', subcommands: [create, list, revoke] },
  ],
  examples: [
    'basalt s3 keys create backups --bucket backups --dir ./basalt_data',
    'basalt s3 keys create reader --bucket media --bucket assets --read-only --json',
    'basalt s3 keys list',
    'basalt s3 keys revoke BKABCDEF…',
  ],
};
