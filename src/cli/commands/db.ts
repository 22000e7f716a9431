import { Command } from 'commander';
import { lazyAction } from '../lazy-action.js';

const actions = () => import('../actions/db.js');

export function dbCommand(): Command {
  const db = new Command('db').description('start, stop and inspect the database datawarp uses');
  db.addHelpText(
    'after',
    `
The embedded PostgreSQL lives in <workspace>/.datawarp/pg and is shared by every datawarp
process in the workspace. Set DATABASE_URL to use another PostgreSQL (>= 14) instead.

Examples:
  $ datawarp db start
  $ psql "$(datawarp db url)" -c '\\dn'
  $ datawarp db status --json`,
  );

  db.command('start')
    .description('start the embedded database (or reuse the running one)')
    .option('--json', 'print JSON')
    .action(lazyAction(async () => (await actions()).runDbStart));

  db.command('stop')
    .description('stop the embedded database')
    .option('--json', 'print JSON')
    .action(lazyAction(async () => (await actions()).runDbStop));

  db.command('url')
    .description('print a postgres:// URL that psql and other clients can use (starts the server if needed)')
    .action(lazyAction(async () => (await actions()).runDbUrl));

  db.command('migrate')
    .description('apply pending migrations (safe to run again, and from several processes at once)')
    .option('--json', 'print JSON')
    .action(lazyAction(async () => (await actions()).runDbMigrate));

  db.command('status')
    .description('show server, version, database size and migration level')
    .option('--json', 'print JSON')
    .action(lazyAction(async () => (await actions()).runDbStatus));
  return db;
}
