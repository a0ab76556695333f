import { enableCompileCache } from 'node:module';

// Node strips Basalt's TypeScript with a WebAssembly parser on every start; after a few
// hundred files V8 optimises that parser on its background threads and the process keeps
// ~10 MB of their memory for good. The compile cache keeps each file's stripped and
// compiled form (keyed by its content, in the OS temp folder or NODE_COMPILE_CACHE), so
// later starts skip the parser. NODE_DISABLE_COMPILE_CACHE=1 turns it off; a folder that
// cannot be written only means no cache. The CLI loads after this line on purpose: static
// imports would be stripped before the cache is on.
enableCompileCache();
const { runCli } = await import('./cli/index.ts');

process.exitCode = await runCli(process.argv.slice(2));
