import { superuserContext } from '../../data/records/record-context.ts';
import type { RecordRow } from '../../data/records/record-output.ts';
import type { Command, CommandContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { withApp } from '../open-app.ts';

// one page per query, and a ceiling so a huge collection cannot flood a terminal by accident
const PAGE = 500;
const MAX_ROWS = 100_000;

function table(rows: RecordRow[]): string {
  const head = ['id', 'email', 'verified', 'created'];
  const lines = rows.map((r) => [
    String(r.id),
    String(r.email ?? ''),
    r.verified ? 'yes' : 'no',
    String(r.created ?? ''),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [head, ...lines]
    .map((cells) =>
      cells
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `basalt users list COLLECTION [--json]`: the records of an auth collection, without secrets. */
const listCommand: Command = {
  name: 'list',
  summary: 'List the records of an auth collection (id, email, verified, created).',
  args: [{ name: 'COLLECTION', description: 'the auth collection, by name or id (e.g. users)' }],
  flags: {
    json: { type: 'boolean', description: 'Print JSON (the API form of each record) instead of a table.' },
  },
  config: 'brief',
  async run({ io, args: [name], flags, path, loadConfig }: CommandContext) {
    const output = await withApp(loadConfig(), async (app) => {
      const { collections, records } = app.services;
      const collection = collections.find(name);
      if (!collection)
        throw new UsageError(
          `No collection named "${name}". List them with the API (GET /api/collections).`,
          path,
        );
      if (collection.type !== 'auth')
        throw new UsageError(
          `"${collection.name}" is a ${collection.type} collection; users live in auth collections.`,
          path,
        );
      const ctx = superuserContext();
      const rows: RecordRow[] = [];
      for (let page = 1; rows.length < MAX_ROWS; page++) {
        const params = records.parseListParams({
          page: String(page),
          perPage: String(PAGE),
          // oldest first when the collection keeps `created`; storage order otherwise
          sort: collection.fields.some((f) => f.name === 'created') ? 'created,id' : 'id',
          skipTotal: '1',
        });
        const result = await records.list(collection, { ...params, perPage: PAGE }, ctx);
        rows.push(...result.items);
        if (result.items.length < PAGE) break;
      }
      if (flags.json) return JSON.stringify(await records.toJSON(collection, rows, ctx), null, 2);
      return rows.length
        ? `${table(rows)}\n${rows.length} record(s) in ${collection.name}.`
        : `No records in ${collection.name}.`;
    });
    io.stdout.write(`${output}\n`);
    return 0;
  },
};

/** `basalt users …`: look at the accounts of auth collections from the command line. */
export const usersCommand: Command = {
  name: 'users',
  summary: 'Look at the records of auth collections.',
  subcommands: [listCommand],
  examples: ['basalt users list users', 'basalt users list users --json'],
};
