import type pg from 'pg';
import { qualified, quoteIdent } from '../identifiers.js';

export interface ColumnProfile {
  readonly name: string;
  readonly nonNull: number;
  /** for date/timestamp columns: earliest and latest value as ISO text */
  readonly min: string | null;
  readonly max: string | null;
}

export const TEMPORAL_TYPES: ReadonlySet<string> = new Set(['date', 'timestamp', 'timestamptz']);

/** One scan over a load's rows: non-null counts per column and date ranges. */
export async function profileLoad(
  db: pg.ClientBase,
  schema: string,
  table: string,
  loadId: string,
  columns: readonly { name: string; type: string }[],
): Promise<ColumnProfile[]> {
  return (await profileWithSuspects(db, schema, table, loadId, columns, null)).profile;
}

/**
 * `profileLoad`, and with `suspects` also the count of rows matching `suspectCondition`, in one
 * scan of the load's rows.
 */
export async function profileWithSuspects(
  db: pg.ClientBase,
  schema: string,
  table: string,
  loadId: string,
  columns: readonly { name: string; type: string }[],
  suspects: readonly SuspectColumn[] | null,
): Promise<{ profile: ColumnProfile[]; suspects: number }> {
  if (!columns.length) return { profile: [], suspects: 0 };
  const params: unknown[] = [loadId];
  const parts: string[] = [];
  if (suspects?.length)
    parts.push(`count(*) FILTER (WHERE ${suspectCondition(suspects, params)}) AS suspects`);
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    parts.push(`count(${col}) AS n${i}`);
    if (TEMPORAL_TYPES.has(c.type))
      parts.push(`min(${col})::date::text AS lo${i}`, `max(${col})::date::text AS hi${i}`);
  });
  const { rows } = await db.query<Record<string, string | null>>(
    `SELECT ${parts.join(', ')} FROM ${qualified(schema, table)} WHERE ${quoteIdent('_load_id')} = $1`,
    params,
  );
  const r = rows[0] ?? {};
  const profile = columns.map((c, i) => ({
    name: c.name,
    nonNull: Number(r[`n${i}`] ?? 0),
    min: (r[`lo${i}`] as string | null | undefined) ?? null,
    max: (r[`hi${i}`] as string | null | undefined) ?? null,
  }));
  return { profile, suspects: Number(r.suspects ?? 0) };
}

/** Rows of a load that repeat another row of the same load on `columns` (0 when all distinct). */
export async function countDuplicates(
  db: pg.ClientBase,
  schema: string,
  table: string,
  loadId: string,
  columns: readonly string[],
): Promise<{ extra: number; example: Record<string, unknown> | null }> {
  if (!columns.length) return { extra: 0, example: null };
  const cols = columns.map(quoteIdent).join(', ');
  // hash aggregation over a whole load wants memory; it is scoped to this transaction
  await db.query(`SET LOCAL work_mem = '256MB'`);
  const { rows } = await db.query<{ extra: string; example: Record<string, unknown> | null }>(
    `SELECT coalesce(sum(n - 1), 0) AS extra, (array_agg(example))[1] AS example
       FROM (SELECT count(*) AS n, to_jsonb(row(${cols})) AS example
               FROM ${qualified(schema, table)} WHERE ${quoteIdent('_load_id')} = $1
              GROUP BY ${cols} HAVING count(*) > 1) d`,
    [loadId],
  );
  return { extra: Number(rows[0]?.extra ?? 0), example: rows[0]?.example ?? null };
}

export interface SuspectColumn {
  readonly name: string;
  readonly type: string;
  readonly header: string;
}

/**
 * Rows a raw CSV COPY may have read differently from datawarp's own reader: blank rows and
 * repeated header rows (the reader skips them), and spellings PostgreSQL accepts that the reader
 * treats as missing (`NaN`, `Infinity`). Zero means the raw load equals the typed one.
 */
function suspectCondition(columns: readonly SuspectColumn[], params: unknown[]): string {
  const id = (c: SuspectColumn) => quoteIdent(c.name);
  const blank = columns
    .map((c) => (c.type === 'text' ? `nullif(btrim(${id(c)}), '') IS NULL` : `${id(c)} IS NULL`))
    .join(' AND ');
  const conditions = [`(${blank})`];
  // a repeated header row only gets through COPY if every typed column accepted its header text
  if (columns.every((c) => headerCouldLoad(c))) {
    const ordered = [
      ...columns.filter((c) => c.type === 'text'),
      ...columns.filter((c) => c.type !== 'text'),
    ];
    const header = ordered
      .map((c) => {
        params.push(c.header.trim());
        return `btrim(${id(c)}::text) = $${params.length}`;
      })
      .join(' AND ');
    conditions.push(`(${header})`);
  }
  for (const c of columns) {
    const special = SPECIAL[c.type];
    if (special) conditions.push(`${id(c)} IN (${special})`);
  }
  return conditions.join(' OR ');
}

/** Values PostgreSQL accepts that datawarp's reader reads as missing. */
const SPECIAL: Record<string, string> = {
  numeric: `'NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric`,
  'double precision': `'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8`,
  date: `'infinity'::date, '-infinity'::date`,
};

/** Whether PostgreSQL could load the column's header text as a value of its type. */
export function headerCouldLoad(c: Pick<SuspectColumn, 'type' | 'header'>): boolean {
  const h = c.header.trim();
  switch (c.type) {
    case 'text':
      return true;
    case 'integer':
    case 'bigint':
      return /^[+-]?(\d[\d_]*|0[xob][0-9a-f_]+)$/i.test(h);
    case 'numeric':
    case 'double precision':
      return /^[+-]?(\d|\.\d|nan|inf)/i.test(h);
    case 'date':
      return /\d|^(today|tomorrow|yesterday|epoch|[+-]?infinity|now)$/i.test(h);
    default:
      return true;
  }
}
