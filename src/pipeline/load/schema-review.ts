import type pg from 'pg';
import { DatawarpError } from '../../errors.js';
import { addColumnsSql, columnCommentSql, describeTable } from '../../warehouse/ddl.js';
import {
  decideSchemaChange,
  getSchemaChangeForUpdate,
  listSchemaChanges,
  type SchemaChangeRow,
  type SchemaChangeStatus,
} from '../../warehouse/queries/schema-changes.js';
import { getSource, writeAudit } from '../../warehouse/queries/sources.js';
import { inTransaction } from '../../warehouse/warehouse.js';

/**
 * The review queue for schema changes a load would not make on its own (5 or more new columns).
 * Approving adds the columns now (earlier rows hold null), so the next load fills them; rejecting
 * makes later loads ignore them.
 */

export async function listChanges(
  pool: pg.Pool,
  filter: { source_code?: string; status?: SchemaChangeStatus } = {},
): Promise<SchemaChangeRow[]> {
  return listSchemaChanges(pool, filter);
}

export interface Decision {
  readonly change: SchemaChangeRow;
  readonly added: readonly string[];
}

async function lockPending(client: pg.ClientBase, id: string): Promise<SchemaChangeRow> {
  if (!/^\d+$/.test(id)) {
    throw new DatawarpError('USAGE', `schema change id ${JSON.stringify(id)} is not a number`, {
      hint: 'see the ids with `datawarp schema-changes list`',
    });
  }
  const change = await getSchemaChangeForUpdate(client, id);
  if (!change) {
    throw new DatawarpError('NOT_FOUND', `there is no schema change ${id}`, {
      hint: 'see the ids with `datawarp schema-changes list`',
    });
  }
  if (change.status !== 'pending') {
    throw new DatawarpError('USAGE', `schema change ${id} is already ${change.status}`, {
      hint: 'only pending changes can be approved or rejected',
      exitCode: 7,
    });
  }
  return change;
}

export async function approveChange(
  pool: pg.Pool,
  id: string,
  user: string,
  note: string | null = null,
): Promise<Decision> {
  return inTransaction(pool, async (client) => {
    const change = await lockPending(client, id);
    const source = await getSource(client, change.source_code);
    if (!source)
      throw new DatawarpError('SOURCE_NOT_FOUND', `source ${change.source_code} is not registered`);
    let added: string[] = [];
    if (change.change_type === 'add_columns') {
      const existing = await describeTable(client, source.schema_name, source.table_name);
      if (!existing) {
        throw new DatawarpError(
          'NOT_FOUND',
          `table ${source.schema_name}.${source.table_name} does not exist`,
          {
            hint: 'load the source first',
          },
        );
      }
      const have = new Set(existing.map((c) => c.name));
      const cols = (change.details.columns ?? []).filter((c) => !have.has(c.name));
      if (cols.length) {
        await client.query(addColumnsSql(source.schema_name, source.table_name, cols));
        for (const c of cols)
          await client.query(columnCommentSql(source.schema_name, source.table_name, c.name, c.header));
      }
      added = cols.map((c) => c.name);
    }
    await decideSchemaChange(client, id, 'approved', user, note);
    await writeAudit(client, {
      action: 'schema_change_approve',
      actor: user,
      source_code: change.source_code,
      object_type: 'schema_change',
      object_name: id,
      details: { added },
    });
    return { change: { ...change, status: 'approved' }, added };
  });
}

export async function rejectChange(
  pool: pg.Pool,
  id: string,
  user: string,
  note: string | null = null,
): Promise<Decision> {
  return inTransaction(pool, async (client) => {
    const change = await lockPending(client, id);
    await decideSchemaChange(client, id, 'rejected', user, note);
    await writeAudit(client, {
      action: 'schema_change_reject',
      actor: user,
      source_code: change.source_code,
      object_type: 'schema_change',
      object_name: id,
      details: { note },
    });
    return { change: { ...change, status: 'rejected' }, added: [] };
  });
}
