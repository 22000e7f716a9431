import path from 'node:path';
import type { Command } from 'commander';
import { formatDuration, parseDuration } from '../../duration.js';
import { DatawarpError } from '../../errors.js';
import { currentUser } from '../../lifecycle/registry.js';
import {
  approveFile,
  defaultDropRoot,
  ensureDropTree,
  rejectFile,
  runWatcher,
  watchStatus,
  type FileOutcome,
  type ReviewChanges,
  type WatchEvent,
} from '../../pipeline/watch/index.js';
import type { TrackingRow } from '../../warehouse/queries/watch-tracking.js';
import { loadConfig, type WatchSettings } from '../../storage/config.js';
import { withWarehouse, workspaceOf } from '../context.js';
import { plural, printJson, renderTable } from '../output.js';
import type { Logger } from 'pino';
import { jsonLogger } from '../log.js';

interface WatchFlags {
  interval: number;
  stableChecks: number;
  once?: boolean;
  json?: boolean;
  review?: boolean;
  keepBackups: number;
}

/** What the watcher runs with: a flag on the command line wins, then `watch:` in datawarp.yaml. */
interface WatchRun {
  root: string;
  interval: number;
  stableChecks: number;
  review: boolean;
  keepBackups: number;
}

function watchRun(dir: string | undefined, flags: WatchFlags, cmd: Command): WatchRun {
  const ws = workspaceOf(cmd);
  const config: WatchSettings = loadConfig(ws).watch;
  const given = (option: keyof WatchFlags) => cmd.getOptionValueSource(option) === 'cli';
  return {
    root: path.resolve(dir ?? (config.dir ? path.resolve(ws.root, config.dir) : defaultDropRoot(ws))),
    interval: given('interval') ? flags.interval : parseDuration(config.interval),
    stableChecks: given('stableChecks') ? flags.stableChecks : config.stable_checks,
    review: given('review') ? Boolean(flags.review) : config.review,
    keepBackups: given('keepBackups') ? flags.keepBackups : config.keep_backups,
  };
}

export async function runWatch(dir: string | undefined, flags: WatchFlags, cmd: Command): Promise<void> {
  const opts = { ...flags, ...watchRun(dir, flags, cmd) };
  const { root } = opts;
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
        review: opts.review,
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
}

export async function runWatchStatus(opts: { limit: number; json?: boolean }, cmd: Command): Promise<void> {
  const status = await withWarehouse(cmd, (wh) => watchStatus(wh.pool, opts.limit));
  if (inherited(cmd).json) return printJson(status);
  printStatus(status);
}

interface ApproveFlags {
  table?: string;
  headerRow?: number;
  headerless?: boolean;
  sheet?: string;
  tableId?: string;
  json?: boolean;
}

export async function runApprove(id: string, opts: ApproveFlags, cmd: Command): Promise<void> {
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
    throw new DatawarpError('VALIDATION_FAILED', `file #${id} failed to load: ${outcome.report.message}`, {
      file: outcome.file,
      hint: `moved to ${outcome.movedTo}; see ${outcome.movedTo}.error.json`,
      exitCode: 3,
    });
  }
  if (outcome.kind === 'released')
    throw new DatawarpError(
      'CANCELLED',
      `file #${id} was not loaded (${outcome.reason}); it goes back to review`,
    );
}

export async function runReject(
  id: string,
  opts: { reason?: string; json?: boolean },
  cmd: Command,
): Promise<void> {
  const r = await withWarehouse(cmd, (wh) => rejectFile(wh.pool, id, currentUser(), opts.reason));
  if (inherited(cmd).json) return printJson(r);
  console.log(`rejected #${r.id}: moved to ${r.movedTo}`);
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

function printEvent(opts: WatchRun): (e: WatchEvent) => void {
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
