import type pg from 'pg';
import { jsonb } from './jsonb.js';

export interface ColumnMetadataInput {
  column_name: string;
  original_name: string;
  data_type: string;
  ordinal: number;
  suppressed_count: number;
  /** from datawarp.yaml; null keeps a description someone already wrote */
  description: string | null;
}

/** Upsert one row per column of the source's table; first_load_id stays the load that added it. */
export async function upsertColumnMetadata(
  db: pg.ClientBase,
  sourceCode: string,
  loadId: string,
  columns: readonly ColumnMetadataInput[],
): Promise<void> {
  if (!columns.length) return;
  await db.query(
    `INSERT INTO datawarp.tbl_column_metadata
       (source_code, column_name, original_name, data_type, ordinal, suppressed_count, description,
        first_load_id, last_load_id)
     SELECT $1, c.column_name, c.original_name, c.data_type, c.ordinal, c.suppressed_count, c.description, $2, $2
       FROM jsonb_to_recordset($3::jsonb)
         AS c(column_name text, original_name text, data_type text, ordinal int, suppressed_count bigint, description text)
     ON CONFLICT (source_code, column_name) DO UPDATE
        SET original_name = EXCLUDED.original_name,
            data_type = EXCLUDED.data_type,
            ordinal = EXCLUDED.ordinal,
            suppressed_count = EXCLUDED.suppressed_count,
            description = coalesce(EXCLUDED.description, datawarp.tbl_column_metadata.description),
            last_load_id = EXCLUDED.last_load_id,
            updated_at = now()`,
    [sourceCode, loadId, jsonb(columns)],
  );
}

/** How many of the given columns have a description. */
export async function countDescribed(
  db: pg.ClientBase,
  sourceCode: string,
  columnNames: readonly string[],
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM datawarp.tbl_column_metadata
      WHERE source_code = $1 AND column_name = ANY($2::text[]) AND nullif(trim(description), '') IS NOT NULL`,
    [sourceCode, columnNames],
  );
  return rows[0]?.n ?? 0;
}
