import type pg from 'pg';
import { jsonb } from './jsonb.js';

export type SchemaChangeStatus = 'pending' | 'approved' | 'rejected' | 'applied';

export interface PendingColumn {
  name: string;
  header: string;
  type: string;
}

export interface SchemaChangeRow {
  change_id: string;
  source_code: string;
  load_id: string | null;
  change_type: 'add_columns' | 'widen_type' | 'drop_columns' | 'rename_column';
  details: { columns?: PendingColumn[]; column?: string; from?: string; to?: string; table?: string };
  status: SchemaChangeStatus;
  requested_at: Date;
  requested_by: string;
  decided_at: Date | null;
  decided_by: string | null;
  decision_note: string | null;
}

export async function insertSchemaChange(
  db: pg.ClientBase,
  c: {
    source_code: string;
    load_id: string;
    change_type: SchemaChangeRow['change_type'];
    details: unknown;
    status: SchemaChangeStatus;
    requested_by: string;
  },
): Promise<string> {
  const { rows } = await db.query<{ change_id: string }>(
    `INSERT INTO datawarp.tbl_schema_changes (source_code, load_id, change_type, details, status, requested_by,
                                              decided_at, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6,
             CASE WHEN $5 = 'pending' THEN NULL ELSE now() END,
             CASE WHEN $5 = 'pending' THEN NULL ELSE $6 END)
     RETURNING change_id`,
    [c.source_code, c.load_id, c.change_type, jsonb(c.details), c.status, c.requested_by],
  );
  return rows[0]!.change_id;
}

export async function listSchemaChanges(
  db: pg.ClientBase | pg.Pool,
  filter: { source_code?: string; status?: SchemaChangeStatus } = {},
): Promise<SchemaChangeRow[]> {
  const { rows } = await db.query<SchemaChangeRow>(
    `SELECT * FROM datawarp.tbl_schema_changes
      WHERE ($1::text IS NULL OR source_code = $1) AND ($2::text IS NULL OR status = $2)
      ORDER BY change_id`,
    [filter.source_code ?? null, filter.status ?? null],
  );
  return rows;
}

export async function getSchemaChangeForUpdate(
  db: pg.ClientBase,
  id: string,
): Promise<SchemaChangeRow | null> {
  const { rows } = await db.query<SchemaChangeRow>(
    'SELECT * FROM datawarp.tbl_schema_changes WHERE change_id = $1 FOR UPDATE',
    [id],
  );
  return rows[0] ?? null;
}

export async function decideSchemaChange(
  db: pg.ClientBase,
  id: string,
  status: 'approved' | 'rejected',
  by: string,
  note: string | null,
): Promise<void> {
  await db.query(
    `UPDATE datawarp.tbl_schema_changes
        SET status = $2, decided_at = now(), decided_by = $3, decision_note = $4
      WHERE change_id = $1`,
    [id, status, by, note],
  );
}

/** Column names already waiting for review, or rejected, for this source's add-column requests. */
export async function heldColumns(
  db: pg.ClientBase,
  sourceCode: string,
): Promise<{ pending: Set<string>; rejected: Set<string> }> {
  const rows = await listSchemaChanges(db, { source_code: sourceCode });
  const pending = new Set<string>();
  const rejected = new Set<string>();
  for (const r of rows) {
    if (r.change_type !== 'add_columns') continue;
    const target = r.status === 'pending' ? pending : r.status === 'rejected' ? rejected : null;
    for (const c of r.details.columns ?? []) target?.add(c.name);
  }
  return { pending, rejected };
}
