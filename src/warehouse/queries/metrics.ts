import type pg from 'pg';

export interface SourceMetric {
  source_code: string;
  load_id: string;
  row_count: number;
  column_count: number;
  table_size_bytes: number;
  load_duration_seconds: number;
  validation_pass_rate: number | null;
}

export async function insertSourceMetric(db: pg.ClientBase, m: SourceMetric): Promise<void> {
  await db.query(
    `INSERT INTO datawarp.tbl_source_metrics
       (source_code, load_id, row_count, column_count, table_size_bytes, load_duration_seconds, validation_pass_rate)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      m.source_code,
      m.load_id,
      m.row_count,
      m.column_count,
      m.table_size_bytes,
      m.load_duration_seconds,
      m.validation_pass_rate,
    ],
  );
}
