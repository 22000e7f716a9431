import type { Command } from 'commander';
import { currentUser } from '../../lifecycle/registry.js';
import { approveChange, listChanges, rejectChange } from '../../pipeline/load/index.js';
import type { SchemaChangeStatus } from '../../warehouse/queries/schema-changes.js';
import { withWarehouse } from '../context.js';
import { printJson, renderTable } from '../output.js';

function describe(details: {
  columns?: { name: string }[];
  column?: string;
  from?: string;
  to?: string;
}): string {
  if (details.columns) return `add ${details.columns.map((c) => c.name).join(', ')}`;
  if (details.column) return `${details.column}: ${details.from} → ${details.to}`;
  return JSON.stringify(details);
}

export async function runList(
  opts: { source?: string; status: string; json?: boolean },
  c: Command,
): Promise<void> {
  const rows = await withWarehouse(c, (wh) =>
    listChanges(wh.pool, {
      source_code: opts.source,
      status: opts.status === 'all' ? undefined : (opts.status as SchemaChangeStatus),
    }),
  );
  if (opts.json) return printJson(rows);
  if (!rows.length) return console.log(`no ${opts.status === 'all' ? '' : `${opts.status} `}schema changes`);
  console.log(
    renderTable(
      ['id', 'source', 'load', 'change', 'status', 'requested', 'details'],
      rows.map((r) => [
        r.change_id,
        r.source_code,
        r.load_id,
        r.change_type,
        r.status,
        r.requested_at,
        describe(r.details),
      ]),
    ),
  );
}

/** `approve` or `reject` a pending change. */
export function decideAction(name: 'approve' | 'reject') {
  return async (id: string, opts: { note?: string; json?: boolean }, c: Command): Promise<void> => {
    const d = await withWarehouse(c, (wh) =>
      (name === 'approve' ? approveChange : rejectChange)(wh.pool, id, currentUser(), opts.note ?? null),
    );
    if (opts.json) return printJson(d);
    if (name === 'approve')
      console.log(
        `approved change ${id} for ${d.change.source_code}` +
          (d.added.length
            ? `: added ${d.added.join(', ')} (earlier rows hold null; the next load fills them)`
            : ''),
      );
    else console.log(`rejected change ${id} for ${d.change.source_code}: later loads ignore those columns`);
  };
}
