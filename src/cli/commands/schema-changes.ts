import { Command } from 'commander';
import { lazyAction } from '../lazy-action.js';

const actions = () => import('../actions/schema-changes.js');

const STATUSES = ['pending', 'approved', 'rejected', 'applied', 'all'] as const;

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
    .action(lazyAction(async () => (await actions()).runList));

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
      .action(lazyAction(async () => (await actions()).decideAction(name)));

  cmd.addCommand(list, { isDefault: true });
  cmd.addCommand(decide('approve'));
  cmd.addCommand(decide('reject'));
  return cmd;
}
