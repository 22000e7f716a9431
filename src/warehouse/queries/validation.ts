import type pg from 'pg';
import { jsonb } from './jsonb.js';

export interface ValidationRow {
  validation_type: 'row_count' | 'schema' | 'quality' | 'metadata';
  check_name: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  details?: unknown;
}

export async function insertValidationResults(
  db: pg.ClientBase,
  loadId: string,
  sourceCode: string,
  results: readonly ValidationRow[],
): Promise<void> {
  if (!results.length) return;
  await db.query(
    `INSERT INTO datawarp.tbl_validation_results (load_id, source_code, validation_type, check_name, status, message, details)
     SELECT $1, $2, r.validation_type, r.check_name, r.status, r.message, r.details
       FROM jsonb_to_recordset($3::jsonb)
         AS r(validation_type text, check_name text, status text, message text, details jsonb)`,
    [loadId, sourceCode, jsonb(results.map((r) => ({ ...r, details: r.details ?? null })))],
  );
}

export async function listValidationResults(
  db: pg.ClientBase | pg.Pool,
  loadId: string,
): Promise<(ValidationRow & { validation_id: string })[]> {
  const { rows } = await db.query<ValidationRow & { validation_id: string }>(
    `SELECT validation_id, validation_type, check_name, status, message, details
       FROM datawarp.tbl_validation_results WHERE load_id = $1 ORDER BY validation_id`,
    [loadId],
  );
  return rows;
}
