import type pg from 'pg';
import { LINEAGE_COLUMN_DEFS } from '../ddl.js';
import { qualified, quoteIdent } from '../identifiers.js';

export interface PeriodRepeats {
  period: string;
  rows: number;
  /** rows whose content (every data column) already appeared under an earlier period */
  repeated: number;
}

/**
 * Row hashes over the data columns (lineage columns left out), grouped by period: for each
 * period, how many of its rows repeat a row of an earlier period. Read-only.
 * Returns null when the table does not exist or has no `_period` column.
 */
/** Rows in the table: the planner's estimate when there is one, else an exact count. */
export async function estimatedRows(
  db: pg.ClientBase | pg.Pool,
  schema: string,
  table: string,
): Promise<number> {
  const { rows } = await db.query<{ n: string | null }>(
    `SELECT reltuples::bigint AS n FROM pg_class WHERE oid = to_regclass($1)`,
    [qualified(schema, table)],
  );
  const estimate = Number(rows[0]?.n ?? -1);
  if (estimate >= 0) return estimate;
  const exact = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(schema, table)}`);
  return Number(exact.rows[0]?.n ?? 0);
}

export async function periodRepeats(
  db: pg.ClientBase | pg.Pool,
  schema: string,
  table: string,
): Promise<PeriodRepeats[] | null> {
  const { rows: cols } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  const names = cols.map((c) => c.column_name);
  if (!names.includes('_period')) return null;
  const lineage = new Set<string>(LINEAGE_COLUMN_DEFS.map((c) => c.name));
  const data = names.filter((n) => !lineage.has(n));
  if (!data.length) return null;
  const rowText = `ROW(${data.map(quoteIdent).join(', ')})::text`;
  const { rows } = await db.query<{ period: string; rows: string; repeated: string }>(
    `WITH h AS (
       SELECT md5(${rowText}) AS h, coalesce(_period, '') AS p, min(_period_start) OVER (PARTITION BY _period) AS ps
         FROM ${qualified(schema, table)}
     ), firsts AS (
       SELECT h, min(ps) AS first_start FROM h GROUP BY h
     )
     SELECT h.p AS period, count(*) AS rows,
            count(*) FILTER (WHERE f.first_start < h.ps) AS repeated
       FROM h JOIN firsts f USING (h)
      GROUP BY h.p, h.ps
      ORDER BY h.ps NULLS FIRST, h.p`,
  );
  return rows.map((r) => ({ period: r.period, rows: Number(r.rows), repeated: Number(r.repeated) }));
}
