import { Command } from 'commander';
import { latestMigration } from '../../warehouse/migrate.js';
import { describeUrl } from '../../warehouse/connection.js';
import { withWarehouse, workspaceOf } from '../context.js';
import { printJson, renderFields } from '../output.js';

/**
 * The quick start's main job. It initialises the workspace and its database and shows what is
 * there; it grows with the product (loading a generated messy publication once the loader lands).
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('set up the workspace and its database, and show what datawarp can do with it')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Example:
  $ npx datawarp demo
  $ npx datawarp demo --workspace /tmp/dw-demo`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ws = workspaceOf(cmd);
      const info = await withWarehouse(cmd, async (wh) => {
        const { rows } = await wh.pool.query<{ version: string; schemas: string[] }>(
          `SELECT current_setting('server_version') AS version,
                  array(SELECT nspname::text FROM pg_namespace
                         WHERE nspname IN ('datawarp','staging','staging_test','archive','ref','bkp') ORDER BY 1) AS schemas`,
        );
        return {
          workspace: ws.root,
          database:
            wh.target.mode === 'embedded'
              ? `embedded PostgreSQL ${rows[0]?.version}`
              : describeUrl(wh.target.url),
          schemas: rows[0]?.schemas ?? [],
          migrations: latestMigration(),
        };
      });
      if (opts.json) return printJson(info);
      console.log(
        renderFields([
          ['workspace', info.workspace],
          ['database', info.database],
          ['schemas', info.schemas.join(', ')],
          ['migrations', info.migrations],
        ]),
      );
      console.log(
        '\nNext: `datawarp register --help`, then `datawarp sources`; `psql "$(datawarp db url)"` to look inside.',
      );
    });
}
