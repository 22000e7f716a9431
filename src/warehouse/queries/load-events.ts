import type pg from 'pg';

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
