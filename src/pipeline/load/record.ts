import type pg from 'pg';
import type { TableSpec } from '../../engine/table-spec.js';
import { tableBytes, type ColumnDef } from '../../warehouse/ddl.js';
import { qualified } from '../../warehouse/identifiers.js';
import { upsertColumnMetadata } from '../../warehouse/queries/column-metadata.js';
import { insertSourceMetric } from '../../warehouse/queries/metrics.js';
import { insertSchemaChange } from '../../warehouse/queries/schema-changes.js';
import { writeAudit } from '../../warehouse/queries/sources.js';
import type { GateResult } from '../validate/index.js';
import { passRate } from '../validate/index.js';
import type { TablePlan } from './plan.js';

/**
 * record: what a load writes about itself into the control plane, inside its transaction.
 * Registered sources only (test loads have no registry row for these to hang off).
 */

interface Who {
  readonly sourceCode: string;
  readonly loadId: string;
  readonly user: string;
  readonly schema: string;
  readonly table: string;
}

/** Applied additions and widenings, and a pending request for held columns; the request's id. */
export async function recordSchemaChanges(
  client: pg.ClientBase,
  w: Who,
  plan: TablePlan,
): Promise<string | null> {
  if (plan.kind !== 'evolve') return null;
  const base = { source_code: w.sourceCode, load_id: w.loadId, requested_by: w.user };
  const where = `${w.schema}.${w.table}`;
  for (const widening of plan.widen)
    await insertSchemaChange(client, {
      ...base,
      change_type: 'widen_type',
      details: { table: where, ...widening },
      status: 'applied',
    });
  if (plan.add.length)
    await insertSchemaChange(client, {
      ...base,
      change_type: 'add_columns',
      details: { table: where, columns: plan.add, auto: true },
      status: 'applied',
    });
  if (!plan.newRequest.length) return null;
  return insertSchemaChange(client, {
    ...base,
    change_type: 'add_columns',
    details: {
      table: where,
      columns: plan.newRequest.map((c) => ({ name: c.name, header: c.header, type: c.type })),
    },
    status: 'pending',
  });
}

/** One metadata row per loaded column: original header, table type, suppressed cells, description. */
export async function recordColumnMetadata(
  client: pg.ClientBase,
  w: Who,
  plan: TablePlan,
  tableColumns: readonly ColumnDef[],
  descriptions: Readonly<Record<string, string>> | undefined,
): Promise<void> {
  await upsertColumnMetadata(
    client,
    w.sourceCode,
    w.loadId,
    plan.load.map((c, i) => ({
      column_name: c.spec.name,
      original_name: c.spec.header,
      data_type: tableColumns.find((t) => t.name === c.spec.name)?.type ?? c.type,
      ordinal: i + 1,
      suppressed_count: c.spec.suppressed,
      description: descriptions?.[c.spec.name] ?? null,
    })),
  );
}

/** The source turns active; metrics and an audit line for the load. */
export async function recordSuccess(
  client: pg.ClientBase,
  w: Who,
  r: {
    rows: number;
    created: boolean;
    columns: number;
    gates: readonly GateResult[];
    started: number;
    details: Record<string, unknown>;
  },
): Promise<void> {
  await client.query(
    `UPDATE datawarp.tbl_data_sources
        SET status = CASE WHEN status = 'registered' THEN 'active' ELSE status END,
            last_loaded_at = now(), last_validated_at = now(), updated_at = now()
      WHERE source_code = $1`,
    [w.sourceCode],
  );
  // a table this load created holds exactly its rows
  const total = r.created
    ? r.rows
    : Number(
        (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(w.schema, w.table)}`))
          .rows[0]?.n ?? 0,
      );
  await insertSourceMetric(client, {
    source_code: w.sourceCode,
    load_id: w.loadId,
    row_count: total,
    column_count: r.columns,
    table_size_bytes: await tableBytes(client, w.schema, w.table),
    load_duration_seconds: (Date.now() - r.started) / 1000,
    validation_pass_rate: passRate(r.gates),
  });
  await writeAudit(client, {
    action: 'load',
    actor: w.user,
    source_code: w.sourceCode,
    object_type: 'table',
    object_name: `${w.schema}.${w.table}`,
    details: { load_id: w.loadId, ...r.details },
  });
}

export function suppressedCells(spec: TableSpec): number {
  return spec.columns.reduce((n, c) => n + c.suppressed, 0);
}
