import type pg from 'pg';
import { qualified } from '../identifiers.js';
import { jsonb } from './jsonb.js';

/** A row of `datawarp.tbl_data_sources`, as the rest of datawarp sees it. */
export interface SourceRow {
  source_code: string;
  publication: string;
  domain: string;
  owner: string;
  purpose: string;
  retention_days: number;
  load_mode: 'append' | 'replace' | 'fullload';
  validation_required: boolean;
  status: 'registered' | 'active' | 'deprecated' | 'archived';
  schema_name: string;
  table_name: string;
  description: string | null;
  created_at: Date;
  created_by: string;
  last_loaded_at: Date | null;
  last_validated_at: Date | null;
  deprecation_reason: string | null;
  archive_date: string | null;
  archived_at: Date | null;
}

export interface NewSource {
  source_code: string;
  publication: string;
  domain: string;
  owner: string;
  purpose: string;
  retention_days: number;
  load_mode: string;
  validation_required: boolean;
  table_name: string;
  created_by: string;
}

export async function insertSource(db: pg.ClientBase | pg.Pool, s: NewSource): Promise<SourceRow> {
  const { rows } = await db.query<SourceRow>(
    `INSERT INTO datawarp.tbl_data_sources
       (source_code, publication, domain, owner, purpose, retention_days, load_mode, validation_required,
        table_name, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING *`,
    [
      s.source_code,
      s.publication,
      s.domain,
      s.owner,
      s.purpose,
      s.retention_days,
      s.load_mode,
      s.validation_required,
      s.table_name,
      s.created_by,
    ],
  );
  return rows[0]!;
}

export async function getSource(db: pg.ClientBase | pg.Pool, code: string): Promise<SourceRow | null> {
  const { rows } = await db.query<SourceRow>(
    'SELECT * FROM datawarp.tbl_data_sources WHERE source_code = $1',
    [code],
  );
  return rows[0] ?? null;
}

export async function listSources(db: pg.ClientBase | pg.Pool): Promise<SourceRow[]> {
  const { rows } = await db.query<SourceRow>('SELECT * FROM datawarp.tbl_data_sources ORDER BY source_code');
  return rows;
}

/** Row count of a source's table, or null when the table does not exist (yet). */
export async function tableRowCount(
  db: pg.ClientBase | pg.Pool,
  schema: string,
  table: string,
): Promise<number | null> {
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    qualified(schema, table),
  ]);
  if (!rows[0]?.exists) return null;
  const count = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(schema, table)}`);
  return Number(count.rows[0]?.n ?? 0);
}

export async function writeAudit(
  db: pg.ClientBase | pg.Pool,
  entry: {
    action: string;
    actor: string;
    source_code?: string;
    object_type?: string;
    object_name?: string;
    details?: unknown;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO datawarp.tbl_audit_log (actor, action, source_code, object_type, object_name, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      entry.actor,
      entry.action,
      entry.source_code ?? null,
      entry.object_type ?? null,
      entry.object_name ?? null,
      entry.details === undefined ? null : jsonb(entry.details),
    ],
  );
}
