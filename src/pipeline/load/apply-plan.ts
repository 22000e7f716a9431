import type pg from 'pg';
import {
  addColumnsSql,
  columnCommentSql,
  createTableSql,
  widenColumnSql,
  type ColumnDef,
} from '../../warehouse/ddl.js';
import { qualified, quoteIdent } from '../../warehouse/identifiers.js';
import type { TablePlan } from './plan.js';
import type { LoadMode } from './types.js';

/**
 * The DDL of a plan: create the table, or widen and add columns. A new table gets its lineage
 * columns after its rows (`addLineageSql`), so it is created without them.
 */
export async function applyPlan(
  client: pg.ClientBase,
  schema: string,
  table: string,
  plan: TablePlan,
): Promise<void> {
  switch (plan.kind) {
    case 'create':
      await client.query(createTableSql(schema, table, plan.columns, { lineage: false }));
      await comment(client, schema, table, plan.columns);
      return;
    case 'evolve':
      for (const w of plan.widen) await client.query(widenColumnSql(schema, table, w.column, w.to));
      if (plan.add.length) {
        await client.query(addColumnsSql(schema, table, plan.add));
        await comment(client, schema, table, plan.add);
      }
      return;
    default: {
      const never: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }
}

async function comment(client: pg.ClientBase, schema: string, table: string, cols: readonly ColumnDef[]) {
  for (const c of cols) if (c.comment) await client.query(columnCommentSql(schema, table, c.name, c.comment));
}

/** replace: the rows earlier loads of this file key wrote for this period; fullload: every row. */
export async function clearForMode(
  client: pg.ClientBase,
  q: {
    schema: string;
    table: string;
    mode: LoadMode;
    period: string | null;
    fileKey: string;
    loadId: string;
    sourceCode: string;
  },
): Promise<number> {
  const t = qualified(q.schema, q.table);
  switch (q.mode) {
    case 'append':
      return 0;
    case 'fullload': {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
      await client.query(`TRUNCATE ${t}`);
      return Number(rows[0]?.n ?? 0);
    }
    case 'replace': {
      const res = await client.query(
        `DELETE FROM ${t}
          WHERE ${quoteIdent('_period')} IS NOT DISTINCT FROM $1
            AND ${quoteIdent('_load_id')} IN (
              SELECT load_id FROM datawarp.tbl_load_events
               WHERE source_code = $2 AND target_schema = $3 AND target_table = $4
                 AND file_key = $5 AND load_id <> $6)`,
        [q.period, q.sourceCode, q.schema, q.table, q.fileKey, q.loadId],
      );
      return res.rowCount ?? 0;
    }
    default: {
      const never: never = q.mode;
      throw new Error(`unknown load mode ${String(never)}`);
    }
  }
}
