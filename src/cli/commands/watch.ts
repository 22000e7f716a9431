import { Command, InvalidArgumentError, Option } from 'commander';
import { isDatawarpError } from '../../errors.js';
import { parseDuration } from '../../duration.js';
import { lazyAction } from '../lazy-action.js';

const actions = () => import('../actions/watch.js');

/** commander's argument parsers: a bad value is a usage error naming the option. */
function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    if (isDatawarpError(err)) throw new InvalidArgumentError(`${err.message}: ${err.hint ?? ''}`);
    throw err;
  }
}

function positive(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new InvalidArgumentError('must be a whole number, 1 or more');
  return Number(value);
}

export function watchCommand(): Command {
  const watch = new Command('watch')
    .description('load files dropped into a folder tree once they have finished arriving')
    .argument('[dir]', 'the drop folder (default: <workspace>/dropoff; created if missing)')
    .addOption(
      new Option('--interval <duration>', 'time between checks, e.g. 15s, 200ms')
        .argParser(duration)
        .default(15_000, '15s'),
    )
    .option('--stable-checks <n>', 'unchanged checks in a row before a file is loaded', positive, 6)
    .option('--once', 'exit when every file present has been dealt with')
    .option('--review', 'hold each file with its proposed settings until `watch approve` or `watch reject`')
    .option('--keep-backups <n>', 'bkp.<table>_<time> copies kept per reference table', positive, 5)
    .option('--json', 'print one JSON object per event')
    .addHelpText(
      'after',
      `
The folder decides what happens to a file:
  DIR/reference_data_table/{fullload,append}/       -> schema ref (config row in ref.reference_data_cfg)
  DIR/none_reference_data_table/{fullload,append}/  -> schema staging
fullload replaces the table's rows (a reference table is first copied to bkp.<table>_<time>);
append adds rows. Done files move to processed/<time>_<name>, failed ones to error/<time>_<name>
with <name>.error.json beside them. State is in ref.file_monitor_tracking (docs/watch.md).
Settings not given as flags come from \`watch:\` in datawarp.yaml (dir, interval, stable_checks,
review, keep_backups); a flag wins.

Examples:
  $ datawarp watch                                  # <workspace>/dropoff, 6 checks x 15s
  $ datawarp watch /srv/dropoff --interval 5s --stable-checks 3
  $ datawarp watch --once --json                    # for cron: settle, load, exit
  $ datawarp watch --review                         # hold files; then, from another shell:
  $ datawarp watch status && datawarp watch approve 12 --table airports`,
    )
    .action(lazyAction(async () => (await actions()).runWatch));

  watch
    .command('status')
    .description('files waiting, in review or loading, and the latest results')
    .option('--limit <n>', 'recent results to show', positive, 20)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ datawarp watch status --limit 5')
    .action(lazyAction(async () => (await actions()).runWatchStatus));

  watch
    .command('approve')
    .description('load a file held by `watch --review`, optionally changing the proposed settings')
    .argument('<id>', 'tracking id from `watch status`')
    .option('--table <name>', 'load into this table instead of the proposed one')
    .option('--header-row <n>', 'the row (line) holding the header', positive)
    .option('--headerless', 'the file has no header row')
    .option('--sheet <name>', 'the sheet to load (workbooks)')
    .option('--table-id <id>', 'which detected table of the file to load (see the proposal)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ datawarp watch approve 12\n  $ datawarp watch approve 12 --header-row 3 --table airports',
    )
    .action(lazyAction(async () => (await actions()).runApprove));

  watch
    .command('reject')
    .description('refuse a file held by `watch --review`: it moves to error/ and nothing is loaded')
    .argument('<id>', 'tracking id from `watch status`')
    .option('--reason <text>', 'why, recorded in the tracking row and the .error.json')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ datawarp watch reject 12 --reason "wrong month"')
    .action(lazyAction(async () => (await actions()).runReject));
  return watch;
}
