import { Command } from 'commander';
import { currentUser } from '../../lifecycle/registry.js';
import { approveChange, listChanges, rejectChange } from '../../pipeline/load/index.js';
import type { SchemaChangeStatus } from '../../warehouse/queries/schema-changes.js';
import { withWarehouse } from '../context.js';
import { printJson, renderTable } from '../output.js';

const STATUSES = ['pending', 'approved', 'rejected', 'applied', 'all'] as const;

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

export function schemaChangesCommand(): Command {
  const cmd = new Command('schema-changes')
    .description('the review queue of schema changes a load would not make by itself (5+ new columns)')
    .addHelpText(
      'after',
      `
Examples:
  $ datawarp schema-changes                 # pending requests
  $ datawarp schema-changes list --status all --source sitrep
  $ datawarp schema-changes approve 12      # add the columns now; the next load fills them
  $ datawarp schema-changes reject 12 --note "columns are a publisher error"`,
    );

  const list = new Command('list')
    .description('list schema changes (pending by default)')
    .option('--source <code>', 'only this source')
    .option('--status <status>', `${STATUSES.join('|')} (default pending)`, 'pending')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ datawarp schema-changes list --status all --json')
    .action(async (opts: { source?: string; status: string; json?: boolean }, c: Command) => {
      const rows = await withWarehouse(c, (wh) =>
        listChanges(wh.pool, {
          source_code: opts.source,
          status: opts.status === 'all' ? undefined : (opts.status as SchemaChangeStatus),
        }),
      );
      if (opts.json) return printJson(rows);
      if (!rows.length)
        return console.log(`no ${opts.status === 'all' ? '' : `${opts.status} `}schema changes`);
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
    });

  const decide = (name: 'approve' | 'reject') =>
    new Command(name)
      .description(
        name === 'approve'
          ? 'approve a pending change: add its columns now'
          : 'reject a pending change: later loads ignore its columns',
      )
      .argument('<id>', 'the change id (from `datawarp schema-changes list`)')
      .option('--note <text>', 'why, recorded with the decision')
      .option('--json', 'print JSON')
      .addHelpText('after', `\nExample:\n  $ datawarp schema-changes ${name} 12`)
      .action(async (id: string, opts: { note?: string; json?: boolean }, c: Command) => {
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
        else
          console.log(`rejected change ${id} for ${d.change.source_code}: later loads ignore those columns`);
      });

  cmd.addCommand(list, { isDefault: true });
  cmd.addCommand(decide('approve'));
  cmd.addCommand(decide('reject'));
  return cmd;
}
