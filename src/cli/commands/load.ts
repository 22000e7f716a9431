import { Command, InvalidArgumentError } from 'commander';
import { LOAD_MODES, type LoadMode } from '../../lifecycle/load-modes.js';
import { lazyAction } from '../lazy-action.js';

function parseMode(value: string): LoadMode {
  const v = value.toLowerCase();
  if (!(LOAD_MODES as readonly string[]).includes(v))
    throw new InvalidArgumentError(`must be one of ${LOAD_MODES.join(', ')}`);
  return v as LoadMode;
}

export function loadCommand(): Command {
  return new Command('load')
    .description(
      'load one table of a file or URL into its source table: typed, transactional, audited, validated',
    )
    .argument('<file>', 'a CSV/Excel/ZIP path or an http(s) URL')
    .requiredOption('-s, --source <code>', 'the registered source to load into')
    .option('--table <id>', 'which table of the file (ids from `datawarp detect`), when it holds several')
    .option('--sheet <name>', 'only look at this sheet of a workbook')
    .option('--mode <mode>', `${LOAD_MODES.join('|')} (default: the source's load mode)`, parseMode)
    .option(
      '--period <period>',
      'the period the data covers, e.g. 2025-11 (default: from the file name or URL)',
    )
    .option(
      '--validate',
      'roll the load back when a validation gate fails (always so for sources with validation_required)',
    )
    .option('--test', 'load an unregistered source into staging_test, for a try-out')
    .option('--force', 'load even if this exact file was already loaded for this source and period')
    .option('--refresh', 'download a URL again even when the download cache has it')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Modes: append adds rows; replace swaps the rows an earlier load of the same file (and table) wrote
for the same period, leaving sibling files of that period alone; fullload empties the table first.

Examples:
  $ datawarp load gp_practices_2025_11.csv --source gp_practices
  $ datawarp load https://example.org/sitrep-2025-11.xlsx --source sitrep --table t2 --validate
  $ datawarp load trial.csv --source scratch --test --json`,
    )
    .action(lazyAction(async () => (await import('../actions/load.js')).runLoad));
}
