import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Runs in a child process so the only modules loaded are the ones a real start loads.
const CHILD = `
import { registerHooks } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const loaded = [];
// what Basalt's own modules import (prom-client's default metrics load the OpenTelemetry API themselves)
registerHooks({ resolve(specifier, context, next) { if (context.parentURL?.includes('/src/')) loaded.push(specifier); return next(specifier, context); } });
const { createBasalt } = await import('./src/app/app.ts');
const { defaultConfig } = await import('./src/config/index.ts');
const pino = (await import('pino')).default;
const dir = mkdtempSync(join(tmpdir(), 'basalt-otel-off-'));
const app = createBasalt({ config: defaultConfig({ http: '127.0.0.1:0', dir, migrationsDir: join(dir, 'm') }), logger: pino({ level: 'silent' }) });
const { url } = await app.serve();
await fetch(url + '/api/health');
const enabled = app.observability.tracing.enabled;
await app.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ enabled, otel: loaded.filter((s) => s.includes('opentelemetry') || s.includes('tracing')) }));
`;

test('without an OTLP endpoint Basalt imports no OpenTelemetry module, not even the API', () => {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: new URL('../..', import.meta.url).pathname,
    encoding: 'utf8',
    env: { ...process.env, BASALT_OTLP_ENDPOINT: '' },
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const { enabled, otel } = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
  assert.equal(enabled, false);
  const loaded = (otel as string[]).filter((s) => /opentelemetry|tracing-context|http-tracing/.test(s));
  assert.deepEqual(loaded, []);
  assert.ok((otel as string[]).includes('./tracing.ts'), 'the hook saw imports (the test can fail)');
});
