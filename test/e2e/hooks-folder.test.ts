import assert from 'node:assert/strict';
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runBasalt, startProcessServer, tempDir } from '../helpers/process-server.ts';
import { http } from '../helpers/server.ts';

const INDEX = pathToFileURL(join(import.meta.dirname, '../../src/index.ts')).href;
const bases: string[] = [];

/** A project folder with `data/` and the default hooks folder next to it (`data/../basalt_hooks`). */
function project(files: Record<string, string>): { base: string; data: string; hooks: string } {
  const base = tempDir('basalt-hooks-');
  bases.push(base);
  const data = join(base, 'data');
  const hooks = join(base, 'basalt_hooks');
  mkdirSync(data);
  mkdirSync(hooks);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(hooks, name), text);
  return { base, data, hooks };
}

// a route, a job handler and a cron schedule: a reload must drop all three before loading again
// (a second handler for one queue is refused, so a leftover would fail the reload)
const versionRoute = (version: number) => `export default (app: any) => {
  app.routes.get('/api/hooked/version', () => ({ version: ${version} }));
  app.jobs.handle('hooked-queue', () => {});
  app.cron.add('hooked-cron', '0 0 1 1 *', () => {});
};
`;

// a typed hooks file: collections on first start, a before-create hook that changes the body
const notesHook = `import { ApiError, type Basalt } from '${INDEX}';
export default (app: Basalt) => {
  app.onRecordCreate('notes').bindFunc(async (e) => {
    if (e.body.title === 'nope') throw new ApiError('bad_request', 'No nope.');
    e.body.title = \`\${e.body.title}!\`;
    await e.next();
  });
};
`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

after(() => {
  for (const base of bases) rmSync(base, { recursive: true, force: true });
});

describe('hooks folder loaded by basalt serve', () => {
  test('files load in name order from <dir>/../basalt_hooks; --dev reloads a changed file on the same port', async () => {
    const { data, hooks } = project({ '01-version.ts': versionRoute(1), '02-notes.ts': notesHook });
    const server = await startProcessServer(data, { args: ['--dev'] });
    try {
      const token = await server.token();
      const created = await http(server.url, 'POST', '/api/collections', {
        token,
        body: { name: 'notes', type: 'base', createRule: '', fields: [{ name: 'title', type: 'text' }] },
      });
      assert.equal(created.status, 200);
      assert.deepEqual((await http(server.url, 'GET', '/api/hooked/version')).body, { version: 1 });
      const note = await http(server.url, 'POST', '/api/collections/notes/records', {
        body: { title: 'hi' },
      });
      assert.equal(note.body.title, 'hi!');
      const refused = await http(server.url, 'POST', '/api/collections/notes/records', {
        body: { title: 'nope' },
      });
      assert.deepEqual([refused.status, refused.body.message], [400, 'No nope.']);

      writeFileSync(join(hooks, '01-version.ts'), versionRoute(2));
      await until('the reloaded route', async () => {
        const res = await http(server.url, 'GET', '/api/hooked/version');
        return res.body?.version === 2 ? res : undefined;
      });
      const crons = await http(server.url, 'GET', '/api/crons', { token });
      assert.deepEqual(
        crons.body.filter((c: { id: string }) => c.id === 'hooked-cron').length,
        1,
        JSON.stringify(crons.body),
      );
      // the reload dropped the old registrations: the hook runs once, not twice
      const again = await http(server.url, 'POST', '/api/collections/notes/records', {
        body: { title: 'yo' },
      });
      assert.equal(again.body.title, 'yo!');

      // a broken file: the error names the file and line, and the app serves without the folder
      writeFileSync(join(hooks, '03-broken.ts'), 'export default (app: any) => {\n  const x = ;\n};\n');
      await until('serving without the folder', async () => {
        const res = await http(server.url, 'GET', '/api/hooked/version');
        return res.status === 404 ? res : undefined;
      });
      assert.match(server.stderr(), /03-broken\.ts:2/);
      assert.equal((await http(server.url, 'GET', '/api/health')).status, 200);
      unlinkSync(join(hooks, '03-broken.ts'));
      await until('the folder back', async () => {
        const res = await http(server.url, 'GET', '/api/hooked/version');
        return res.body?.version === 2 ? res : undefined;
      });
      const notes = await http(server.url, 'GET', '/api/collections/notes/records', { token });
      assert.deepEqual(notes.body.items.map((n: { title: string }) => n.title).sort(), ['hi!', 'yo!']);
    } finally {
      await server.kill();
    }
  });

  test('--hooksDir picks another folder; without --dev a change is not reloaded', async () => {
    const { data, base } = project({});
    const other = join(base, 'elsewhere');
    mkdirSync(other);
    writeFileSync(join(other, 'a.ts'), versionRoute(7));
    const server = await startProcessServer(data, { args: ['--hooksDir', other] });
    try {
      assert.deepEqual((await http(server.url, 'GET', '/api/hooked/version')).body, { version: 7 });
      writeFileSync(join(other, 'a.ts'), versionRoute(8));
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual((await http(server.url, 'GET', '/api/hooked/version')).body, { version: 7 });
    } finally {
      await server.kill();
    }
  });

  test('a hooks file that throws stops start-up with its file and line', async () => {
    const { data } = project({
      'boom.ts':
        "export default () => {\n  // line 2\n  throw new Error('no database URL for the mailer');\n};\n",
    });
    const result = await runBasalt(['serve', '--dir', data, '--http', '127.0.0.1:0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Hooks file .*boom\.ts:3:\d+ failed: no database URL for the mailer/);
  });

  test('a hooks file without a default export is refused with a hint', async () => {
    const { data } = project({ 'named.ts': 'export const setup = () => {};\n' });
    const result = await runBasalt(['serve', '--dir', data, '--http', '127.0.0.1:0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /named\.ts failed: it must have a default export/);
  });
});
