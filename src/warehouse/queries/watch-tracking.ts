import type pg from 'pg';
import { jsonb } from './jsonb.js';

type Db = pg.ClientBase | pg.Pool;

/** Statuses a tracking row moves through. `review` and `rejected` belong to `watch --review`. */
export const TRACKING_STATUSES = [
  'detected',
  'waiting',
  'review',
  'processing',
  'processed',
  'error',
  'duplicate',
  'rejected',
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** A row of `ref.file_monitor_tracking`. */
export interface TrackingRow {
  id: string;
  file_path: string;
  file_name: string;
  file_size: string | null;
  file_mtime_ms: number | null;
  file_hash: string | null;
  load_type: 'fullload' | 'append';
  is_reference_data: boolean;
  target_schema: string | null;
  table_name: string | null;
  detected_format: string | null;
  detected_encoding: string | null;
  detected_delimiter: string | null;
  detected_headers: string[] | null;
  reference_config_inserted: boolean;
  status: TrackingStatus;
  stable_checks: number;
  checked_at_ms: number | null;
  attempts: number;
  claimed_by: string | null;
  claimed_at: Date | null;
  proposed_settings: unknown;
  approved_settings: unknown;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  load_id: string | null;
  rows_loaded: string | null;
  backup_table: string | null;
  moved_to: string | null;
  error_category: string | null;
  error_message: string | null;
  error_hint: string | null;
  created_at: Date;
  updated_at: Date;
  processed_at: Date | null;
}

const T = 'ref.file_monitor_tracking';
const LIVE = `status IN ('detected', 'waiting', 'review', 'processing')`;

/** Live rows (not yet finished) for files under `root`. */
export async function listLiveRows(db: Db, root: string): Promise<TrackingRow[]> {
  const { rows } = await db.query<TrackingRow>(
    `SELECT * FROM ${T} WHERE ${LIVE} AND starts_with(file_path, $1) ORDER BY id`,
    [root.endsWith('/') ? root : `${root}/`],
  );
  return rows;
}

export async function getTrackingRow(db: Db, id: string | number): Promise<TrackingRow | null> {
  const { rows } = await db.query<TrackingRow>(`SELECT * FROM ${T} WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export interface NewTrackingRow {
  filePath: string;
  fileName: string;
  size: number;
  mtimeMs: number;
  checkedAtMs: number;
  loadType: 'fullload' | 'append';
  isReference: boolean;
}

/** Record a newly seen file; null when another watcher recorded it first. */
export async function insertDetected(db: Db, f: NewTrackingRow): Promise<TrackingRow | null> {
  const { rows } = await db.query<TrackingRow>(
    `INSERT INTO ${T} (file_path, file_name, file_size, file_mtime_ms, checked_at_ms, load_type, is_reference_data,
                       status, stable_checks)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'detected', 0)
     ON CONFLICT (file_path) WHERE ${LIVE} DO NOTHING
     RETURNING *`,
    [f.filePath, f.fileName, f.size, f.mtimeMs, f.checkedAtMs, f.loadType, f.isReference],
  );
  return rows[0] ?? null;
}

/** Store a stability check's result; only while the row still waits. */
export async function updateStability(
  db: Db,
  id: string,
  s: { size: number; mtimeMs: number; checks: number; checkedAtMs: number },
): Promise<void> {
  await db.query(
    `UPDATE ${T}
        SET file_size = $2, file_mtime_ms = $3, stable_checks = $4, checked_at_ms = $5, updated_at = now(),
            status = 'waiting'
      WHERE id = $1 AND status IN ('detected', 'waiting')`,
    [id, s.size, s.mtimeMs, s.checks, s.checkedAtMs],
  );
}

/** A file deleted while it waited is forgotten. */
export async function forgetWaiting(db: Db, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM ${T} WHERE id = $1 AND status IN ('detected', 'waiting')`,
    [id],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Take a stable waiting file (or, for an approval, a file in review) for processing. Exactly one
 * caller gets the row back; everyone else gets null.
 */
export async function claimRow(
  db: Db,
  id: string,
  from: 'waiting' | 'review',
  claimant: string,
): Promise<TrackingRow | null> {
  const { rows } = await db.query<TrackingRow>(
    `UPDATE ${T}
        SET status = 'processing', claimed_by = $3, claimed_at = now(), attempts = attempts + 1, updated_at = now()
      WHERE id = $1 AND status = $2
      RETURNING *`,
    [id, from, claimant],
  );
  return rows[0] ?? null;
}

/**
 * Inside the load's transaction: lock the claimed row for the length of the load. Null when the
 * claim was lost (another watcher judged it stale and took it back). It waits rather than skips:
 * another watcher's passing UPDATE of the row (a stability check that no longer matches) holds
 * the row for an instant, and skipping would give the file up for nothing.
 */
export async function lockClaimedRow(
  client: pg.ClientBase,
  id: string,
  claimant: string,
): Promise<TrackingRow | null> {
  const { rows } = await client.query<TrackingRow>(
    `SELECT * FROM ${T} WHERE id = $1 AND status = 'processing' AND claimed_by = $2 FOR UPDATE`,
    [id, claimant],
  );
  return rows[0] ?? null;
}

/**
 * Claims whose watcher died: a live load holds its row lock, so a `processing` row that can be
 * locked, claimed longer ago than `graceMs`, has nobody working on it. They go back to waiting.
 */
export async function releaseStaleClaims(db: Db, graceMs: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE ${T} SET status = 'waiting', claimed_by = NULL, updated_at = now()
      WHERE id IN (SELECT id FROM ${T}
                    WHERE status = 'processing' AND claimed_at < now() - make_interval(secs => $1 / 1000.0)
                      AND approved_settings IS NULL
                    FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [graceMs],
  );
  // an approved file whose approver died goes back to review, not to the watcher
  const back = await db.query<{ id: string }>(
    `UPDATE ${T} SET status = 'review', claimed_by = NULL, updated_at = now()
      WHERE id IN (SELECT id FROM ${T}
                    WHERE status = 'processing' AND claimed_at < now() - make_interval(secs => $1 / 1000.0)
                      AND approved_settings IS NOT NULL
                    FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [graceMs],
  );
  return [...rows, ...back.rows].map((r) => r.id);
}

/** Give a claimed file back untouched (cancelled, or the database went away mid-load). */
export async function unclaimRow(
  db: Db,
  id: string,
  claimant: string,
  to: 'waiting' | 'review',
): Promise<void> {
  await db.query(
    `UPDATE ${T} SET status = $3, claimed_by = NULL, updated_at = now()
      WHERE id = $1 AND status = 'processing' AND claimed_by = $2`,
    [id, claimant, to],
  );
}

export interface Detected {
  hash: string;
  format: string | null;
  encoding: string | null;
  delimiter: string | null;
  headers: readonly string[] | null;
  schema: string | null;
  table: string | null;
}

export async function recordDetection(db: Db, id: string, d: Detected): Promise<void> {
  await db.query(
    `UPDATE ${T}
        SET file_hash = $2, detected_format = $3, detected_encoding = $4, detected_delimiter = $5,
            detected_headers = $6, target_schema = $7, table_name = $8, updated_at = now()
      WHERE id = $1`,
    [
      id,
      d.hash,
      d.format,
      d.encoding,
      d.delimiter,
      d.headers === null ? null : jsonb(d.headers),
      d.schema,
      d.table,
    ],
  );
}

/**
 * Was this content already loaded into this table? Returns the earlier row. With `latestOnly`
 * (full reloads) only the newest load counts: the table holds exactly that content, while
 * dropping an older version again is a deliberate restore.
 */
export async function findProcessedHash(
  db: Db,
  schema: string,
  table: string,
  hash: string,
  latestOnly = false,
): Promise<TrackingRow | null> {
  const { rows } = await db.query<TrackingRow>(
    latestOnly
      ? `SELECT * FROM (SELECT * FROM ${T} WHERE status = 'processed' AND target_schema = $1 AND table_name = $2
                         ORDER BY processed_at DESC, id DESC LIMIT 1) latest
          WHERE file_hash = $3`
      : `SELECT * FROM ${T}
          WHERE status = 'processed' AND target_schema = $1 AND table_name = $2 AND file_hash = $3
          ORDER BY id LIMIT 1`,
    [schema, table, hash],
  );
  return rows[0] ?? null;
}

export interface Outcome {
  status: 'processed' | 'error' | 'duplicate' | 'rejected';
  movedTo: string | null;
  loadId?: string | number | null;
  rowsLoaded?: number | null;
  backupTable?: string | null;
  referenceConfigInserted?: boolean;
  errorCategory?: string | null;
  errorMessage?: string | null;
  errorHint?: string | null;
}

/** Finish a row: the one place a file's final status is written. */
export async function finishRow(db: Db, id: string, o: Outcome): Promise<void> {
  await db.query(
    `UPDATE ${T}
        SET status = $2, moved_to = $3, load_id = coalesce($4, load_id), rows_loaded = $5, backup_table = $6,
            reference_config_inserted = reference_config_inserted OR $7, error_category = $8,
            error_message = $9, error_hint = $10, claimed_by = NULL, processed_at = now(), updated_at = now()
      WHERE id = $1`,
    [
      id,
      o.status,
      o.movedTo,
      o.loadId ?? null,
      o.rowsLoaded ?? null,
      o.backupTable ?? null,
      o.referenceConfigInserted ?? false,
      o.errorCategory ?? null,
      o.errorMessage ?? null,
      o.errorHint ?? null,
    ],
  );
}

/** The file's final path, once it has been moved (the move follows the commit). */
export async function setMovedTo(db: Db, id: string, movedTo: string): Promise<void> {
  await db.query(`UPDATE ${T} SET moved_to = $2, updated_at = now() WHERE id = $1`, [id, movedTo]);
}

/** Review mode: park a stable, detected file with what the watcher would do. */
export async function holdForReview(db: Db, id: string, claimant: string, proposed: unknown): Promise<void> {
  await db.query(
    `UPDATE ${T} SET status = 'review', proposed_settings = $3, claimed_by = NULL, updated_at = now()
      WHERE id = $1 AND status = 'processing' AND claimed_by = $2`,
    [id, claimant, jsonb(proposed)],
  );
}

export async function recordApproval(db: Db, id: string, settings: unknown, reviewer: string): Promise<void> {
  await db.query(
    `UPDATE ${T} SET approved_settings = $2, reviewed_by = $3, reviewed_at = now(), updated_at = now()
      WHERE id = $1`,
    [id, jsonb(settings), reviewer],
  );
}

export async function recordRejection(db: Db, id: string, reviewer: string): Promise<void> {
  await db.query(`UPDATE ${T} SET reviewed_by = $2, reviewed_at = now(), updated_at = now() WHERE id = $1`, [
    id,
    reviewer,
  ]);
}

/** Rows for `watch status`: everything live, and the most recent finished ones. */
export async function listForStatus(db: Db, recent: number): Promise<TrackingRow[]> {
  const { rows } = await db.query<TrackingRow>(
    `(SELECT * FROM ${T} WHERE ${LIVE})
     UNION ALL
     (SELECT * FROM ${T} WHERE NOT ${LIVE} ORDER BY coalesce(processed_at, updated_at) DESC, id DESC LIMIT $1)
     ORDER BY id`,
    [recent],
  );
  return rows;
}
