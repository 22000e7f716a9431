import type pg from 'pg';
import { qualified } from '../identifiers.js';

/** The watcher's own tables live in `ref` too; they are never a target for a dropped file. */
const WATCH_TABLES = ['file_monitor_tracking', 'reference_data_cfg'];

/**
 * Every ordinary table of a schema with its column names in order (for matching a file to a
 * table). Tables of registered sources are left out: they are loaded by `datawarp load`, with
 * their validation gates, never by a dropped file.
 */
export async function listTableColumns(
  db: pg.ClientBase | pg.Pool,
  schema: string,
): Promise<{ table: string; columns: string[] }[]> {
  const { rows } = await db.query<{ table_name: string; columns: string[] }>(
    `SELECT c.relname AS table_name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY($2))
        AND NOT EXISTS (SELECT 1 FROM datawarp.tbl_data_sources s
                         WHERE s.schema_name = n.nspname AND s.table_name = c.relname)
      GROUP BY c.relname
      ORDER BY c.relname`,
    [schema, WATCH_TABLES],
  );
  return rows.map((r) => ({ table: r.table_name, columns: r.columns }));
}

/** Backup tables in `bkp` named `<prefix>_<yyyymmdd>_<hhmmss>[_n]`, oldest first. */
export async function listBackups(db: pg.ClientBase | pg.Pool, table: string): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'bkp' AND c.relkind = 'r' AND starts_with(c.relname, $1)
        AND substr(c.relname, length($1) + 1) ~ '^[0-9]{8}_[0-9]{6}(_[0-9]+)?$'
      ORDER BY c.relname`,
    [`${table}_`],
  );
  return rows.map((r) => r.relname);
}

/**
 * Copy a table's columns and rows into `bkp`. Defaults and constraints are left behind on purpose:
 * a backup must not depend on the original's sequences, or replacing the original would fail.
 */
export async function copyTableToBackup(
  db: pg.ClientBase,
  schema: string,
  table: string,
  backup: string,
): Promise<number> {
  const { rowCount } = await db.query(
    `CREATE TABLE ${qualified('bkp', backup)} AS TABLE ${qualified(schema, table)}`,
  );
  return rowCount ?? 0;
}

export async function dropBackup(db: pg.ClientBase, backup: string): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${qualified('bkp', backup)}`);
}

export async function tableExists(
  db: pg.ClientBase | pg.Pool,
  schema: string,
  table: string,
): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    qualified(schema, table),
  ]);
  return rows[0]?.exists ?? false;
}

/**
 * Serialise loads into one table across watchers and processes: held to the end of the
 * transaction. The key is the qualified name, so it matches whoever else locks the same table.
 */
export async function lockTableForLoad(db: pg.ClientBase, schema: string, table: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`datawarp.table:${schema}.${table}`]);
}

/** The registered source whose table this is, if any. */
export async function registeredSourceOf(
  db: pg.ClientBase | pg.Pool,
  schema: string,
  table: string,
): Promise<string | null> {
  const { rows } = await db.query<{ source_code: string }>(
    'SELECT source_code FROM datawarp.tbl_data_sources WHERE schema_name = $1 AND table_name = $2',
    [schema, table],
  );
  return rows[0]?.source_code ?? null;
}
