import type pg from 'pg';
import type { Row } from '../../engine/api.js';
import type { FileSpec, TableSpec } from '../../engine/table-spec.js';
import { copyRows } from '../../warehouse/copy.js';
import {
  addColumnsSql,
  columnCommentSql,
  createTableSql,
  describeTable,
  lineageIndexSql,
  LINEAGE_COLUMN_DEFS,
  widenColumnSql,
} from '../../warehouse/ddl.js';
import { qualified } from '../../warehouse/identifiers.js';
import { lockTableForLoad } from '../../warehouse/queries/watch-tables.js';
import { planTable, type Widening } from '../load/plan.js';
import { backupTable } from './backups.js';
import type { LoadType } from './tree.js';

/**
 * Land one detected table of a dropped file in its target table, inside the caller's
 * transaction (so a failure anywhere leaves the database as it was):
 * - fullload: a reference table is first copied to `bkp`, then emptied and reloaded;
 * - append: rows are added.
 * Either way the table is created when missing, and new columns are added and types widened
 * with the loader's planner (there is no review queue for columns here: `watch --review` is the
 * human step for sensitive tables).
 */

export interface TableLoadInput {
  readonly schema: string;
  readonly table: string;
  readonly loadType: LoadType;
  readonly reference: boolean;
  readonly fileSpec: FileSpec;
  readonly tableSpec: TableSpec;
  /** the typed rows, in batches */
  readonly batches: AsyncIterable<readonly Row[]>;
  readonly loadId: string;
  readonly sourceFile: string;
  readonly keepBackups: number;
  readonly signal?: AbortSignal;
}

export interface TableLoadResult {
  readonly rows: number;
  readonly created: boolean;
  readonly backup: string | null;
  readonly backupsDropped: readonly string[];
  readonly rowsReplaced: number;
  readonly columnsAdded: readonly string[];
  readonly columnsWidened: readonly Widening[];
  readonly columnsMissing: readonly string[];
}

export async function loadIntoTable(client: pg.ClientBase, input: TableLoadInput): Promise<TableLoadResult> {
  const { schema, table } = input;
  await lockTableForLoad(client, schema, table);
  const existing = await describeTable(client, schema, table);

  let backup: string | null = null;
  let backupsDropped: readonly string[] = [];
  let rowsReplaced = 0;
  if (existing && input.loadType === 'fullload') {
    if (input.reference) {
      const b = await backupTable(client, schema, table, input.keepBackups);
      backup = b.backup;
      backupsDropped = b.dropped;
    }
    const { rowCount } = await client.query(`DELETE FROM ${qualified(schema, table)}`);
    rowsReplaced = rowCount ?? 0;
  }

  const plan = planTable({
    schema,
    table,
    columns: input.tableSpec.columns,
    existing,
    reviewAt: Number.POSITIVE_INFINITY,
    autoApprove: true,
    pending: new Set(),
    rejected: new Set(),
  });
  let columnsAdded: string[] = [];
  let columnsWidened: readonly Widening[] = [];
  let columnsMissing: readonly string[] = [];
  switch (plan.kind) {
    case 'create':
      await client.query(createTableSql(schema, table, plan.columns));
      await client.query(lineageIndexSql(schema, table));
      for (const c of plan.columns) {
        if (c.comment && c.comment !== c.name)
          await client.query(columnCommentSql(schema, table, c.name, c.comment));
      }
      break;
    case 'evolve':
      if (plan.add.length) await client.query(addColumnsSql(schema, table, plan.add));
      for (const w of plan.widen) await client.query(widenColumnSql(schema, table, w.column, w.to));
      columnsAdded = plan.add.map((c) => c.name);
      columnsWidened = plan.widen;
      columnsMissing = plan.missing;
      break;
    default: {
      const never: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }

  const period = input.fileSpec.period;
  const copied = await copyRows(client, {
    schema,
    table,
    columns: plan.load.map((l) => l.spec.name),
    pick: plan.load.map((l) => l.index),
    constantColumns: LINEAGE_COLUMN_DEFS.map((c) => c.name),
    constants: [
      input.loadId,
      new Date().toISOString(),
      period?.code ?? null,
      period?.start ?? null,
      period?.end ?? null,
      input.sourceFile,
    ],
    batches: input.batches,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return {
    rows: copied.rows,
    created: plan.kind === 'create',
    backup,
    backupsDropped,
    rowsReplaced,
    columnsAdded,
    columnsWidened,
    columnsMissing,
  };
}
