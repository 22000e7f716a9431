import type pg from 'pg';
import { jsonb } from './jsonb.js';

export interface ManifestColumnInput {
  original_name: string;
  /** the normalised name the original header would get (engine/naming.ts) */
  column_name: string;
  semantic_name: string | null;
  description: string | null;
  is_dimension: boolean | null;
  is_measure: boolean | null;
  query_keywords: string[] | null;
}

/**
 * Put a manifest's column descriptions on the column metadata rows the loader wrote, matched by
 * column name or original header. Values the manifest leaves out keep what is there. Returns the
 * number of columns updated.
 */
export async function applyManifestColumns(
  db: pg.ClientBase | pg.Pool,
  sourceCode: string,
  columns: readonly ManifestColumnInput[],
): Promise<number> {
  if (!columns.length) return 0;
  const { rowCount } = await db.query(
    `UPDATE datawarp.tbl_column_metadata m
        SET semantic_name = coalesce(c.semantic_name, m.semantic_name),
            description = coalesce(c.description, m.description),
            is_dimension = coalesce(c.is_dimension, m.is_dimension),
            is_measure = coalesce(c.is_measure, m.is_measure),
            query_keywords = coalesce(c.query_keywords, m.query_keywords),
            updated_at = now()
       FROM jsonb_to_recordset($2::jsonb)
         AS c(original_name text, column_name text, semantic_name text, description text,
              is_dimension boolean, is_measure boolean, query_keywords text[])
      WHERE m.source_code = $1
        AND (m.column_name = c.column_name OR lower(m.original_name) = lower(c.original_name))`,
    [sourceCode, jsonb(columns)],
  );
  return rowCount ?? 0;
}
