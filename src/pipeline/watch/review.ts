import type pg from 'pg';
import { DatawarpError } from '../../errors.js';
import {
  claimRow,
  finishRow,
  getTrackingRow,
  recordApproval,
  recordRejection,
  type TrackingRow,
} from '../../warehouse/queries/watch-tracking.js';
import type { ErrorReport } from './error-report.js';
import { errorReportPath, moveFile, outcomePath, writeJsonAtomic } from './moves.js';
import { processClaimed, type FileOutcome } from './process-file.js';
import type { ReviewChanges } from './review-settings.js';
import { RESERVED_TABLES } from './table-name.js';
import { newClaimant } from './watcher.js';

/**
 * The human step of `watch --review`: a file held with its proposed settings is approved (and
 * loaded there and then, with the reviewer's changes) or rejected (moved to `error/`).
 */

export interface ReviewContext {
  readonly pool: pg.Pool;
  readonly user: string;
  readonly keepBackups: number;
  readonly signal: AbortSignal;
}

async function claimForReview(pool: pg.Pool, id: string, claimant: string): Promise<TrackingRow> {
  if (!/^\d+$/.test(id))
    throw new DatawarpError('USAGE', `${JSON.stringify(id)} is not a tracking id`, {
      hint: 'use the number shown by `datawarp watch status`',
    });
  const row = await getTrackingRow(pool, id);
  if (!row)
    throw new DatawarpError('NOT_FOUND', `no dropped file has tracking id ${id}`, {
      hint: 'see `datawarp watch status` for the files waiting for review',
    });
  const claimed = row.status === 'review' ? await claimRow(pool, id, 'review', claimant) : null;
  if (!claimed) {
    throw new DatawarpError(
      'REVIEW_STATE',
      `file #${id} (${row.file_name}) is ${row.status}, not waiting for review`,
      {
        file: row.file_path,
        hint: 'only files held by `datawarp watch --review` can be approved or rejected',
      },
    );
  }
  return claimed;
}

/** Approve a held file and load it now, with the reviewer's changes applied. */
export async function approveFile(
  ctx: ReviewContext,
  id: string,
  changes: ReviewChanges,
): Promise<FileOutcome> {
  if (changes.table !== undefined) checkTableName(changes.table);
  const claimant = newClaimant();
  const row = await claimForReview(ctx.pool, id, claimant);
  await recordApproval(ctx.pool, id, changes, ctx.user);
  return processClaimed(
    {
      pool: ctx.pool,
      claimant,
      review: false,
      keepBackups: ctx.keepBackups,
      signal: ctx.signal,
      user: ctx.user,
    },
    row,
    changes,
  );
}

/** Reject a held file: nothing is loaded, and the file moves to `error/` with the reason beside it. */
export async function rejectFile(
  pool: pg.Pool,
  id: string,
  user: string,
  reason: string | undefined,
): Promise<{ id: string; file: string; movedTo: string }> {
  const claimant = newClaimant();
  const row = await claimForReview(pool, id, claimant);
  const movedTo = outcomePath(row.file_path, 'error');
  const message = `rejected by ${user}${reason ? `: ${reason}` : ''}`;
  await recordRejection(pool, id, user);
  await finishRow(pool, id, {
    status: 'rejected',
    movedTo,
    errorCategory: 'rejected',
    errorMessage: message,
    errorHint: 'fix the file and drop it again, or drop it without --review',
  });
  const report: ErrorReport = {
    file: row.file_name,
    original_path: row.file_path,
    moved_to: movedTo,
    category: 'rejected',
    code: 'REJECTED',
    message,
    hint: 'fix the file and drop it again',
    location: null,
    detected_format: {
      format: row.detected_format,
      encoding: row.detected_encoding,
      delimiter: row.detected_delimiter,
      headers: row.detected_headers,
    },
    sha256: row.file_hash,
    target_table: row.table_name ? `${row.target_schema}.${row.table_name}` : null,
    load_id: null,
    tracking_id: row.id,
    failed_at: new Date().toISOString(),
  };
  writeJsonAtomic(errorReportPath(movedTo), report);
  moveFile(row.file_path, movedTo);
  return { id, file: row.file_path, movedTo };
}

/** A reviewer's `--table`: a plain lower_snake name, and never one of the watcher's own tables. */
function checkTableName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name) || RESERVED_TABLES.has(name)) {
    throw new DatawarpError('USAGE', `--table ${JSON.stringify(name)} cannot be used as a table name`, {
      hint: `use lowercase letters, digits and underscores (at most 63), not ${[...RESERVED_TABLES].join(' or ')}`,
    });
  }
}
