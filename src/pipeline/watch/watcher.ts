import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type pg from 'pg';
import {
  claimRow,
  forgetWaiting,
  finishRow,
  insertDetected,
  listLiveRows,
  releaseStaleClaims,
  unclaimRow,
  updateStability,
  type TrackingRow,
} from '../../warehouse/queries/watch-tracking.js';
import { backoffMs, isDatabaseDown } from './db-down.js';
import { MoveFailed, moveFile } from './moves.js';
import { processClaimed, type FileOutcome } from './process-file.js';
import { IgnoredReporter, scanDropTree, type IgnoredEntry } from './scan.js';
import { isStable, observe, type StabilityState } from './stability.js';
import { ensureDropTree } from './tree.js';

/**
 * The watcher: every interval, scan the drop tree, advance each file's stability count in the
 * tracking table, and process the files that have settled. All state is in the database, so a
 * restarted watcher carries on, and several watchers can share a folder: a file is claimed by
 * one atomic UPDATE, and loaded under a lock on its tracking row.
 */

export interface WatchOptions {
  readonly root: string;
  readonly intervalMs: number;
  readonly stableChecks: number;
  /** stop once every file present has been dealt with (for cron jobs and scripts) */
  readonly once: boolean;
  readonly review: boolean;
  readonly keepBackups: number;
  /** a `processing` claim older than this whose row is not locked belongs to a dead watcher */
  readonly staleClaimMs: number;
  readonly signal: AbortSignal;
  readonly user: string;
  readonly onEvent?: (event: WatchEvent) => void;
}

export type WatchEvent =
  | { readonly kind: 'started'; readonly root: string; readonly claimant: string }
  | { readonly kind: 'ignored'; readonly path: string; readonly reason: string }
  | { readonly kind: 'detected'; readonly id: string; readonly path: string }
  | { readonly kind: 'forgotten'; readonly id: string; readonly path: string }
  | { readonly kind: 'recovered'; readonly ids: readonly string[] }
  | { readonly kind: 'file'; readonly outcome: FileOutcome }
  | { readonly kind: 'problem'; readonly id: string; readonly path: string; readonly message: string }
  | { readonly kind: 'moved'; readonly path: string; readonly movedTo: string }
  | { readonly kind: 'database-down'; readonly message: string; readonly retryInMs: number }
  | { readonly kind: 'database-back' }
  | { readonly kind: 'stopped'; readonly reason: 'signal' | 'once' };

export interface WatchSummary {
  readonly processed: number;
  readonly duplicates: number;
  readonly errors: number;
  readonly review: number;
  readonly stoppedBy: 'signal' | 'once';
}

export function newClaimant(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

export async function runWatcher(pool: pg.Pool, options: WatchOptions): Promise<WatchSummary> {
  const claimant = newClaimant();
  const emit = (e: WatchEvent) => options.onEvent?.(e);
  const reporter = new IgnoredReporter();
  const counts = { processed: 0, duplicates: 0, errors: 0, review: 0 };
  // claims left behind when the database went away mid-file: handed back once it returns
  const orphaned = new Set<string>();
  // loaded files that could not be moved away (path -> destination): retried every pass, and not
  // detected again meanwhile
  const unmoved = new Map<string, string>();
  let downFor = 0;
  ensureDropTree(options.root);
  emit({ kind: 'started', root: options.root, claimant });

  const ctx = {
    pool,
    claimant,
    review: options.review,
    keepBackups: options.keepBackups,
    signal: options.signal,
    user: options.user,
  };

  while (!options.signal.aborted) {
    let pending: number;
    try {
      for (const id of orphaned) {
        await unclaimRow(pool, id, claimant, 'waiting');
        orphaned.delete(id);
      }
      pending = await tick();
      if (downFor > 0) emit({ kind: 'database-back' });
      downFor = 0;
    } catch (err) {
      if (!isDatabaseDown(err)) throw err;
      const wait = backoffMs(downFor++, Math.min(500, options.intervalMs));
      emit({ kind: 'database-down', message: (err as Error).message, retryInMs: wait });
      await sleep(wait, options.signal);
      continue;
    }
    if (options.once && pending === 0) {
      emit({ kind: 'stopped', reason: 'once' });
      return { ...counts, stoppedBy: 'once' };
    }
    await sleep(options.intervalMs, options.signal);
  }
  emit({ kind: 'stopped', reason: 'signal' });
  return { ...counts, stoppedBy: 'signal' };

  /** One pass; returns how many files are still waiting to settle or be processed. */
  async function tick(): Promise<number> {
    const recovered = await releaseStaleClaims(pool, options.staleClaimMs);
    if (recovered.length) emit({ kind: 'recovered', ids: recovered });

    for (const [from, to] of unmoved) {
      try {
        moveFile(from, to);
        unmoved.delete(from);
        emit({ kind: 'moved', path: from, movedTo: to });
      } catch {
        if (!fs.existsSync(from)) unmoved.delete(from);
      }
    }
    const found = scanDropTree(options.root);
    const scan = { ...found, files: found.files.filter((f) => !unmoved.has(f.path)) };
    for (const i of reporter.fresh(scan.ignored)) emit({ kind: 'ignored', ...(i satisfies IgnoredEntry) });

    const live = new Map((await listLiveRows(pool, options.root)).map((r) => [r.file_path, r]));
    const present = new Set(scan.files.map((f) => f.path));
    for (const row of live.values()) {
      if (present.has(row.file_path)) continue;
      if (row.status === 'detected' || row.status === 'waiting') {
        if (await forgetWaiting(pool, row.id)) emit({ kind: 'forgotten', id: row.id, path: row.file_path });
      } else if (row.status === 'review') {
        await finishRow(pool, row.id, {
          status: 'rejected',
          movedTo: null,
          errorCategory: 'rejected',
          errorMessage: 'the file was removed from the drop folder before review',
        });
      }
    }

    const ready: TrackingRow[] = [];
    let pending = 0;
    const now = Date.now();
    for (const f of scan.files) {
      const row = live.get(f.path);
      if (!row) {
        const inserted = await insertDetected(pool, {
          filePath: f.path,
          fileName: f.name,
          size: f.size,
          mtimeMs: f.mtimeMs,
          checkedAtMs: now,
          loadType: f.folder.loadType,
          isReference: f.folder.reference,
        });
        if (inserted) emit({ kind: 'detected', id: inserted.id, path: f.path });
        pending++;
        continue;
      }
      if (row.status !== 'detected' && row.status !== 'waiting') continue;
      const prev = stateOf(row);
      const next = observe(prev, f, now, options.intervalMs);
      if (next !== prev) await updateStability(pool, row.id, next);
      pending++;
      if (isStable(next, options.stableChecks)) ready.push({ ...row, status: 'waiting' });
    }

    for (const row of ready) {
      if (options.signal.aborted) break;
      const claimed = await claimRow(pool, row.id, 'waiting', claimant);
      if (!claimed) {
        pending--; // another watcher has it
        continue;
      }
      let outcome: FileOutcome;
      try {
        outcome = await processClaimed(ctx, claimed);
      } catch (err) {
        // e.g. the move after a commit failed (permissions, disk): report it and carry on with the
        // other files; the file stays in the drop folder and its next pass is a duplicate
        if (isDatabaseDown(err)) throw err;
        if (err instanceof MoveFailed) unmoved.set(err.from, err.to);
        emit({ kind: 'problem', id: claimed.id, path: claimed.file_path, message: (err as Error).message });
        await unclaimRow(pool, claimed.id, claimant, 'waiting');
        pending--;
        continue;
      }
      emit({ kind: 'file', outcome });
      switch (outcome.kind) {
        case 'processed':
          counts.processed++;
          pending--;
          break;
        case 'duplicate':
          counts.duplicates++;
          pending--;
          break;
        case 'error':
          counts.errors++;
          pending--;
          break;
        case 'review':
          counts.review++;
          pending--;
          break;
        case 'released':
          if (outcome.reason === 'database') {
            orphaned.add(outcome.id);
            throw Object.assign(new Error('the database went away while loading a file'), { code: '08006' });
          }
          if (outcome.reason === 'file gone' || outcome.reason === 'claim lost') pending--;
          break;
        default: {
          const never: never = outcome;
          throw new Error(`unknown outcome ${JSON.stringify(never)}`);
        }
      }
    }
    return pending;
  }
}

function stateOf(row: TrackingRow): StabilityState | null {
  if (row.file_size === null || row.file_mtime_ms === null || row.checked_at_ms === null) return null;
  return {
    size: Number(row.file_size),
    mtimeMs: row.file_mtime_ms,
    checks: row.stable_checks,
    checkedAtMs: row.checked_at_ms,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
