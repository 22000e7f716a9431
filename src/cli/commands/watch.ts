import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DatawarpError, isDatawarpError } from '../../errors.js';
import { currentUser } from '../../lifecycle/registry.js';
import {
  approveFile,
  defaultDropRoot,
  ensureDropTree,
  formatDuration,
  parseDuration,
  rejectFile,
  runWatcher,
  watchStatus,
  type FileOutcome,
  type ReviewChanges,
  type WatchEvent,
} from '../../pipeline/watch/index.js';
import type { TrackingRow } from '../../warehouse/queries/watch-tracking.js';
import { withWarehouse, workspaceOf } from '../context.js';
import { plural, printJson, renderTable } from '../output.js';
import type { Logger } from 'pino';
import { jsonLogger } from '../log.js';

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

interface WatchFlags {
  interval: number;
  stableChecks: number;
  once?: boolean;
  json?: boolean;
  review?: boolean;
  keepBackups: number;
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

Examples:
  $ datawarp watch                                  # <workspace>/dropoff, 6 checks x 15s
  $ datawarp watch /srv/dropoff --interval 5s --stable-checks 3
  $ datawarp watch --once --json                    # for cron: settle, load, exit
  $ datawarp watch --review                         # hold files; then, from another shell:
  $ datawarp watch status && datawarp watch approve 12 --table airports`,
    )
    .action(async (dir: string | undefined, opts: WatchFlags, cmd: Command) => {
      const root = path.resolve(dir ?? defaultDropRoot(workspaceOf(cmd)));
      ensureDropTree(root); // a folder that cannot be created fails before the database starts
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(130);
        if (!opts.json) console.error(`datawarp: ${signal}: stopping (the file in progress is rolled back)`);
        controller.abort(new DatawarpError('CANCELLED', `stopped by ${signal}`));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        await withWarehouse(cmd, async (wh) => {
          const summary = await runWatcher(wh.pool, {
            root,
            intervalMs: opts.interval,
            stableChecks: opts.stableChecks,
            once: Boolean(opts.once),
            review: Boolean(opts.review),
            keepBackups: opts.keepBackups,
            staleClaimMs: Math.max(30_000, opts.interval * 4),
            signal: controller.signal,
            user: currentUser(),
            onEvent: opts.json ? logEvent(jsonLogger('datawarp-watch')) : printEvent(opts),
          });
          if (!opts.json && opts.once) {
            console.log(
              `done: ${summary.processed} loaded, ${summary.duplicates} duplicate, ${summary.errors} failed, ${summary.review} for review`,
            );
          }
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });

  watch
    .command('status')
    .description('files waiting, in review or loading, and the latest results')
    .option('--limit <n>', 'recent results to show', positive, 20)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ datawarp watch status --limit 5')
    .action(async (opts: { limit: number; json?: boolean }, cmd: Command) => {
      const status = await withWarehouse(cmd, (wh) => watchStatus(wh.pool, opts.limit));
      if (inherited(cmd).json) return printJson(status);
      printStatus(status);
    });

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
    .action(
      async (
        id: string,
        opts: {
          table?: string;
          headerRow?: number;
          headerless?: boolean;
          sheet?: string;
          tableId?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const changes: ReviewChanges = {
          ...(opts.table ? { table: opts.table } : {}),
          ...(opts.headerRow ? { headerRow: opts.headerRow } : {}),
          ...(opts.headerless ? { headerless: true } : {}),
          ...(opts.sheet ? { sheet: opts.sheet } : {}),
          ...(opts.tableId ? { tableId: opts.tableId } : {}),
        };
        const controller = new AbortController();
        const stop = () => controller.abort(new DatawarpError('CANCELLED', 'approval cancelled'));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const outcome = await withWarehouse(cmd, (wh) =>
          approveFile(
            {
              pool: wh.pool,
              user: currentUser(),
              keepBackups: inherited(cmd).keepBackups,
              signal: controller.signal,
            },
            id,
            changes,
          ),
        ).finally(() => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        });
        if (inherited(cmd).json) printJson(outcomeJson(outcome));
        else console.log(describeOutcome(outcome));
        if (outcome.kind === 'error') {
          throw new DatawarpError(
            'VALIDATION_FAILED',
            `file #${id} failed to load: ${outcome.report.message}`,
            {
              file: outcome.file,
              hint: `moved to ${outcome.movedTo}; see ${outcome.movedTo}.error.json`,
              exitCode: 3,
            },
          );
        }
        if (outcome.kind === 'released')
          throw new DatawarpError(
            'CANCELLED',
            `file #${id} was not loaded (${outcome.reason}); it goes back to review`,
          );
      },
    );

  watch
    .command('reject')
    .description('refuse a file held by `watch --review`: it moves to error/ and nothing is loaded')
    .argument('<id>', 'tracking id from `watch status`')
    .option('--reason <text>', 'why, recorded in the tracking row and the .error.json')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ datawarp watch reject 12 --reason "wrong month"')
    .action(async (id: string, opts: { reason?: string; json?: boolean }, cmd: Command) => {
      const r = await withWarehouse(cmd, (wh) => rejectFile(wh.pool, id, currentUser(), opts.reason));
      if (inherited(cmd).json) return printJson(r);
      console.log(`rejected #${r.id}: moved to ${r.movedTo}`);
    });
  return watch;
}

/**
 * `watch` and its subcommands share `--json` (and `--keep-backups`): commander gives a flag after
 * the subcommand's name to `watch`, so the subcommands read it from there too.
 */
function inherited(cmd: Command): { json: boolean; keepBackups: number } {
  const own = cmd.opts<{ json?: boolean }>();
  const parent = cmd.parent?.opts<{ json?: boolean; keepBackups?: number }>() ?? {};
  return { json: Boolean(own.json || parent.json), keepBackups: parent.keepBackups ?? 5 };
}

function printEvent(opts: WatchFlags): (e: WatchEvent) => void {
  return (e) => {
    switch (e.kind) {
      case 'started':
        console.log(
          `watching ${e.root} every ${formatDuration(opts.interval)}; a file is loaded after ${opts.stableChecks} unchanged checks${opts.review ? ' (review mode)' : ''}`,
        );
        break;
      case 'ignored':
        console.log(`ignored ${e.path}: ${e.reason}`);
        break;
      case 'detected':
        console.log(`#${e.id} detected ${e.path}`);
        break;
      case 'forgotten':
        console.log(`#${e.id} removed before it settled: ${e.path}`);
        break;
      case 'recovered':
        console.log(`took back ${e.ids.length} file(s) left by a stopped watcher: #${e.ids.join(', #')}`);
        break;
      case 'file':
        console.log(describeOutcome(e.outcome));
        break;
      case 'moved':
        console.log(`moved ${e.path} -> ${e.movedTo}`);
        break;
      case 'problem':
        console.error(`#${e.id} ${e.path}: ${e.message}`);
        break;
      case 'database-down':
        console.error(`database unavailable (${e.message}); retrying in ${formatDuration(e.retryInMs)}`);
        break;
      case 'database-back':
        console.error('database back; carrying on');
        break;
      case 'stopped':
        if (e.reason === 'signal') console.error('stopped');
        break;
    }
  };
}

export function describeOutcome(o: FileOutcome): string {
  const name = path.basename(o.file);
  switch (o.kind) {
    case 'processed': {
      const extra = [
        o.load.created ? 'new table' : null,
        o.choice.kind === 'matched' ? `matched ${Math.round(o.choice.score * 100)}% of columns` : null,
        o.load.backup ? `backup bkp.${o.load.backup}` : null,
      ].filter(Boolean);
      return `#${o.id} loaded ${name}: ${plural(o.load.rows, 'row')} into ${o.schema}.${o.table} (load ${o.loadId}${extra.length ? ', ' + extra.join(', ') : ''}) -> ${o.movedTo}`;
    }
    case 'duplicate':
      return `#${o.id} duplicate ${name}: this content is already in ${o.schema}.${o.table} -> ${o.movedTo}`;
    case 'error':
      return `#${o.id} failed ${name}: ${o.report.message} -> ${o.movedTo}${o.report.hint ? `\n  hint: ${o.report.hint}` : ''}`;
    case 'review':
      return `#${o.id} waiting for review: ${name} (datawarp watch approve ${o.id} | reject ${o.id})`;
    case 'released':
      return `#${o.id} left in place (${o.reason}): ${name}`;
  }
}

function logEvent(log: Logger): (e: WatchEvent) => void {
  return (e) => {
    const fields = eventJson(e) as Record<string, unknown>;
    const failed = e.kind === 'problem' || (e.kind === 'file' && e.outcome.kind === 'error');
    if (failed) log.error(fields, e.kind);
    else if (e.kind === 'database-down') log.warn(fields, e.kind);
    else log.info(fields, e.kind);
  };
}

function eventJson(e: WatchEvent): unknown {
  return e.kind === 'file'
    ? { event: 'file', ...(outcomeJson(e.outcome) as object) }
    : { event: e.kind, ...e, kind: undefined };
}

function outcomeJson(o: FileOutcome): unknown {
  return { ...o, status: o.kind, kind: undefined };
}

function printStatus(s: {
  waiting: readonly TrackingRow[];
  review: readonly TrackingRow[];
  processing: readonly TrackingRow[];
  recent: readonly TrackingRow[];
}): void {
  const section = (
    title: string,
    rows: readonly TrackingRow[],
    cols: [string, (r: TrackingRow) => unknown][],
  ) => {
    console.log(`${title} (${rows.length})`);
    if (rows.length)
      console.log(
        renderTable(
          cols.map((c) => c[0]),
          rows.map((r) => cols.map((c) => c[1](r))),
        ),
      );
    console.log('');
  };
  const table = (r: TrackingRow) => (r.table_name ? `${r.target_schema}.${r.table_name}` : '');
  section('waiting', s.waiting, [
    ['id', (r) => r.id],
    ['file', (r) => r.file_path],
    ['checks', (r) => r.stable_checks],
    ['size', (r) => r.file_size],
  ]);
  section('processing', s.processing, [
    ['id', (r) => r.id],
    ['file', (r) => r.file_path],
    ['by', (r) => r.claimed_by],
    ['since', (r) => r.claimed_at],
  ]);
  section('review', s.review, [
    ['id', (r) => r.id],
    ['file', (r) => r.file_path],
    ['table', table],
    ['delimiter', (r) => r.detected_delimiter],
    ['columns', (r) => (r.detected_headers ?? []).length],
  ]);
  section('recent', s.recent, [
    ['id', (r) => r.id],
    ['status', (r) => r.status],
    ['file', (r) => r.file_name],
    ['table', table],
    ['rows', (r) => r.rows_loaded],
    ['at', (r) => r.processed_at],
    [
      'moved to / error',
      (r) => (r.status === 'error' || r.status === 'rejected' ? r.error_message : r.moved_to),
    ],
  ]);
}
