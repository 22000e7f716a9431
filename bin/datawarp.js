#!/usr/bin/env node
// Entry point: refuse old Node with one line, then run the compiled CLI.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`datawarp: needs Node.js 22 or newer (this is ${process.version})\n`);
  process.exit(2);
}
// V8's compiled code for datawarp and its libraries is kept on disk (Node 22.1+): later runs
// start ~40 ms sooner, which a one-second load feels
const { default: nodeModule } = await import('node:module');
nodeModule.enableCompileCache?.();
// the CLI is bundled (scripts/build.mjs); a stack trace names the source files when debugging
if (process.env.DATAWARP_DEBUG) process.setSourceMapsEnabled(true);
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('datawarp: not built yet\nhint: run `npm run build` (npm ci does it for you)\n');
    process.exit(1);
  }
  throw err;
}
process.exitCode = await cli.runCli(process.argv.slice(2));
