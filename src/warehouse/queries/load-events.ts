import type pg from 'pg';
import { jsonb } from './jsonb.js';

export interface LoadEventRow {
  load_id: string;
  source_code: string;
  target_schema: string;
  target_table: string | null;
  file_reference: string | null;
  file_sha256: string | null;
  period: string | null;
  rows_loaded: string;
  source_rows: string | null;
  columns_added: number;
  load_mode: string | null;
  load_status: string;
  is_test: boolean;
  started_at: Date;
  completed_at: Date | null;
  duration_ms: number | null;
  error_message: string | null;
  loaded_by: string;
}

/** Load events, newest first; all sources when `code` is undefined. */
export async function listLoadEvents(
  db: pg.ClientBase | pg.Pool,
  code: string | undefined,
  limit = 50,
): Promise<LoadEventRow[]> {
  const { rows } = await db.query<LoadEventRow>(
    `SELECT load_id, source_code, target_schema, target_table, file_reference, file_sha256, period, rows_loaded,
            source_rows, columns_added, load_mode, load_status, is_test, started_at, completed_at, duration_ms,
            error_message, loaded_by
       FROM datawarp.tbl_load_events
      WHERE $1::text IS NULL OR source_code = $1
      ORDER BY started_at DESC, load_id DESC
      LIMIT $2`,
    [code ?? null, limit],
  );
  return rows;
}

/**
 * Advisory-lock namespace for running loads: a load holds (LOAD_LOCK_CLASS, load_id) on its own
 * connection for its whole life, so anyone can tell a live `in_progress` event from one whose
 * process died (the lock goes with the connection) — across hosts, without trusting pids.
 */
export const LOAD_LOCK_CLASS = 0x4457; // 'DW'

const lockKey = 'mod($1::bigint, 2147483647)::int';

export interface NewLoadEvent {
  source_code: string;
  target_schema: string;
  target_table: string;
  file_reference: string;
  file_key: string | null;
  /** null until the load has read the file (it hashes as it copies) */
  file_sha256: string | null;
  file_bytes: number;
  table_id: string | null;
  period: string | null;
  period_start: string | null;
  period_end: string | null;
  load_mode: string;
  is_test: boolean;
  loaded_by: string;
  pid: number;
  host: string;
}

/**
 * Insert the `in_progress` event, committed on its own so a crash leaves a trace, and take the
 * event's advisory lock on the same connection in the same statement.
 */
export async function startLoadEvent(client: pg.ClientBase, e: NewLoadEvent): Promise<string> {
  const { rows } = await client.query<{ load_id: string }>(
    `WITH e AS (
       INSERT INTO datawarp.tbl_load_events
         (source_code, target_schema, target_table, file_reference, file_key, file_sha256, file_bytes, table_id,
          period, period_start, period_end, load_mode, is_test, loaded_by, pid, host, load_status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'in_progress')
       RETURNING load_id)
     SELECT load_id, pg_advisory_lock(${LOAD_LOCK_CLASS}, mod(load_id, 2147483647)::int) FROM e`,
    [
      e.source_code,
      e.target_schema,
      e.target_table,
      e.file_reference,
      e.file_key,
      e.file_sha256,
      e.file_bytes,
      e.table_id,
      e.period,
      e.period_start,
      e.period_end,
      e.load_mode,
      e.is_test,
      e.loaded_by,
      e.pid,
      e.host,
    ],
  );
  return rows[0]!.load_id;
}

export async function releaseLoadLock(client: pg.ClientBase, loadId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_unlock(${LOAD_LOCK_CLASS}, ${lockKey})`, [loadId]);
}

export interface LoadEventOutcome {
  load_status: 'completed' | 'failed' | 'rolled_back' | 'cancelled' | 'skipped';
  rows_loaded?: number;
  source_rows?: number | null;
  rows_suppressed?: number;
  rows_deleted?: number;
  columns_added?: readonly string[];
  columns_widened?: readonly unknown[];
  columns_pending?: readonly string[];
  columns_missing?: readonly string[];
  validation_status?: string | null;
  spec?: unknown;
  spec_hash?: string | null;
  /** the file's SHA-256, when the load learnt it on the way */
  file_sha256?: string | null;
  error_message?: string | null;
  message?: string | null;
}

/** Write a load event's final state (inside the load's transaction on success, alone otherwise). */
export async function finishLoadEvent(
  db: pg.ClientBase | pg.Pool,
  loadId: string,
  o: LoadEventOutcome,
): Promise<void> {
  await db.query(
    `UPDATE datawarp.tbl_load_events
        SET load_status = $2, rows_loaded = $3, source_rows = $4, rows_suppressed = $5, rows_deleted = $6,
            columns_added = cardinality($7::text[]), columns_added_names = $7, columns_widened = $8,
            columns_pending = $9, columns_missing = $10, validation_status = $11,
            spec = coalesce($12, spec), spec_hash = coalesce($13, spec_hash), error_message = $14, message = $15,
            file_sha256 = coalesce($16, file_sha256),
            completed_at = clock_timestamp(),
            duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int
      WHERE load_id = $1`,
    [
      loadId,
      o.load_status,
      o.rows_loaded ?? 0,
      o.source_rows ?? null,
      o.rows_suppressed ?? 0,
      o.rows_deleted ?? 0,
      o.columns_added ?? [],
      jsonb(o.columns_widened ?? []),
      o.columns_pending ?? [],
      o.columns_missing ?? [],
      o.validation_status ?? null,
      o.spec === undefined ? null : jsonb(o.spec),
      o.spec_hash ?? null,
      o.error_message ?? null,
      o.message ?? null,
      o.file_sha256 ?? null,
    ],
  );
}

/**
 * Fail `in_progress` events whose loader is gone: its advisory lock is free (the connection died
 * with the process), or it is older than `staleHours`. Returns the ids it failed.
 */
export async function failAbandonedLoads(db: pg.ClientBase, staleHours: number): Promise<string[]> {
  const { rows } = await db.query<{ load_id: string; started_at: Date }>(
    `SELECT load_id, started_at FROM datawarp.tbl_load_events WHERE load_status = 'in_progress'`,
  );
  const failed: string[] = [];
  for (const row of rows) {
    const stale = Date.now() - row.started_at.getTime() > staleHours * 3_600_000;
    const { rows: got } = await db.query<{ free: boolean }>(
      `SELECT pg_try_advisory_lock(${LOAD_LOCK_CLASS}, ${lockKey}) AS free`,
      [row.load_id],
    );
    const free = got[0]?.free === true;
    if (!free && !stale) continue;
    const { rowCount } = await db.query(
      `UPDATE datawarp.tbl_load_events
          SET load_status = 'failed', completed_at = clock_timestamp(),
              error_message = $2
        WHERE load_id = $1 AND load_status = 'in_progress'`,
      [
        row.load_id,
        free
          ? 'the loading process ended without finishing (crash or kill); its transaction was rolled back'
          : `no progress for over ${staleHours} hours; marked failed`,
      ],
    );
    if (free) await db.query(`SELECT pg_advisory_unlock(${LOAD_LOCK_CLASS}, ${lockKey})`, [row.load_id]);
    if (rowCount) failed.push(row.load_id);
  }
  return failed;
}

/** The completed load of this exact content for this source, period and table, if any. */
export async function findCompletedLoad(
  db: pg.ClientBase | pg.Pool,
  q: {
    source_code: string;
    target_schema: string;
    file_sha256: string;
    period: string | null;
    table_id: string | null;
  },
): Promise<{ load_id: string; completed_at: Date; rows_loaded: string } | null> {
  const { rows } = await db.query<{ load_id: string; completed_at: Date; rows_loaded: string }>(
    `SELECT load_id, completed_at, rows_loaded FROM datawarp.tbl_load_events
      WHERE source_code = $1 AND target_schema = $2 AND file_sha256 = $3
        AND period IS NOT DISTINCT FROM $4 AND table_id IS NOT DISTINCT FROM $5
        AND load_status = 'completed'
      ORDER BY load_id DESC LIMIT 1`,
    [q.source_code, q.target_schema, q.file_sha256, q.period, q.table_id],
  );
  return rows[0] ?? null;
}

/**
 * Whether a completed load for this source, period and table read a file of exactly this size:
 * if none did, none read the same content, and the file need not be hashed before loading.
 * Events that did not record a size count as a match.
 */
export async function hasCompletedLoadOfSize(
  db: pg.ClientBase | pg.Pool,
  q: {
    source_code: string;
    target_schema: string;
    file_bytes: number;
    period: string | null;
    table_id: string | null;
  },
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM datawarp.tbl_load_events
      WHERE source_code = $1 AND target_schema = $2 AND (file_bytes = $3 OR file_bytes IS NULL)
        AND period IS NOT DISTINCT FROM $4 AND table_id IS NOT DISTINCT FROM $5
        AND load_status = 'completed'
      LIMIT 1`,
    [q.source_code, q.target_schema, q.file_bytes, q.period, q.table_id],
  );
  return rows.length > 0;
}

/** The rows of the previous completed load of this source and file key (for the row-count gate). */
export async function previousLoadRows(
  db: pg.ClientBase | pg.Pool,
  q: { source_code: string; target_schema: string; file_key: string | null; before: string },
): Promise<number | null> {
  const { rows } = await db.query<{ rows_loaded: string }>(
    `SELECT rows_loaded FROM datawarp.tbl_load_events
      WHERE source_code = $1 AND target_schema = $2 AND file_key IS NOT DISTINCT FROM $3
        AND load_status = 'completed' AND load_id < $4
      ORDER BY load_id DESC LIMIT 1`,
    [q.source_code, q.target_schema, q.file_key, q.before],
  );
  return rows[0] ? Number(rows[0].rows_loaded) : null;
}
