import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { DatawarpError, EXIT, isDatawarpError } from '../errors.js';
import { COMMANDS } from './commands/index.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('datawarp')
    .description('Land messy CSV, Excel and ZIP publications in PostgreSQL: typed, validated, audited.')
    .version(version)
    .option('-w, --workspace <dir>', 'workspace folder (default: $DATAWARP_HOME or the current directory)')
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input file, 4 database, 5 validation failed,
6 not found, 7 conflict, 8 partly failed, 130 cancelled (docs/cli.md).

Example:
  $ datawarp demo`,
    );
  for (const make of COMMANDS) program.addCommand(make());
  program.exitOverride();
  program.commands.forEach(function override(cmd: Command) {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  });
  return program;
}

/** Run the CLI and return the exit code; errors become one line (with a hint) on stderr. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help)
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isDatawarpError(err)) {
    process.stderr.write(`datawarp: ${err.oneLine()}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    if (process.env.DATAWARP_DEBUG && err.cause) console.error(err.cause);
    return err.exitCode;
  }
  process.stderr.write(`datawarp: internal error: ${(err as Error)?.message ?? String(err)}\n`);
  console.error(err);
  process.stderr.write('hint: this is a bug in datawarp; please report it with the command you ran\n');
  return EXIT.internal;
}

export { DatawarpError };
