import type pg from 'pg';
import { finishLoadEvent, releaseLoadLock, startLoadEvent } from '../../warehouse/queries/load-events.js';
import {
  finishRow,
  recordDetection,
  type Detected,
  type TrackingRow,
} from '../../warehouse/queries/watch-tracking.js';
import { describeFailure, type ErrorReport } from './error-report.js';
import { loadEvent } from './load-event.js';
import { errorReportPath, moveFile, outcomePath, writeJsonAtomic } from './moves.js';
import type { FileOutcome, ProcessContext } from './process-file.js';
import { tableNameForFile } from './table-name.js';
import { targetSchema } from './tree.js';

/** The error path: record why, move the file to `error/` with its report beside it. */
export async function failFile(
  ctx: ProcessContext,
  row: TrackingRow,
  err: unknown,
  detected: Detected | null,
  client: pg.PoolClient | null,
): Promise<FileOutcome> {
  const failure = describeFailure(err);
  const file = row.file_path;
  const movedTo = outcomePath(file, 'error');
  // The load's own event was rolled back with it; a failed event keeps the attempt in `history`.
  const schema = detected?.schema ?? targetSchema(row.is_reference_data);
  const table = detected?.table ?? tableNameForFile(row.file_name);
  const own = client ?? (await ctx.pool.connect());
  let loadId: string;
  try {
    loadId = await startLoadEvent(own, loadEvent(ctx, row, null, null, schema, table, detected?.hash ?? ''));
    await finishLoadEvent(own, loadId, { load_status: 'failed', error_message: failure.message });
    await releaseLoadLock(own, loadId);
  } finally {
    if (!client) own.release();
  }
  if (detected) await recordDetection(ctx.pool, row.id, detected);
  await finishRow(ctx.pool, row.id, {
    status: 'error',
    movedTo,
    loadId,
    errorCategory: failure.category,
    errorMessage: failure.message,
    errorHint: failure.hint,
  });
  const report: ErrorReport = {
    file: row.file_name,
    original_path: file,
    moved_to: movedTo,
    category: failure.category,
    code: failure.code,
    message: failure.message,
    hint: failure.hint,
    location: failure.location,
    detected_format: detected?.format
      ? {
          format: detected.format,
          encoding: detected.encoding,
          delimiter: detected.delimiter,
          headers: detected.headers,
        }
      : null,
    sha256: detected?.hash ?? null,
    target_table: `${schema}.${table}`,
    load_id: loadId,
    tracking_id: row.id,
    failed_at: new Date().toISOString(),
  };
  writeJsonAtomic(errorReportPath(movedTo), report);
  moveFile(file, movedTo);
  return { kind: 'error', id: row.id, file, movedTo, report };
}
