import path from 'node:path';
import type { Command } from 'commander';
import { currentUser, registerSource } from '../../lifecycle/registry.js';
import { loadFile, type LoadResult } from '../../pipeline/load/index.js';
import { loadConfig } from '../../storage/config.js';
import { describeUrl } from '../../warehouse/connection.js';
import { latestMigration } from '../../warehouse/migrate.js';
import { getSource } from '../../warehouse/queries/sources.js';
import { withWarehouse, workspaceOf } from '../context.js';
import { writeDemoPublication } from '../demo-publication.js';
import { printJson, renderFields, renderTable } from '../output.js';

/**
 * The quick start: set up the workspace and its database, write a messy made-up publication
 * (two monthly CSVs with title rows, footnotes and suppressed cells; a workbook with a notes sheet
 * and two tables), register its sources, load it, and show what landed and how to query it.
 * Safe to run again: files already loaded are recognised and skipped.
 */
export async function runDemo(opts: { json?: boolean }, cmd: Command): Promise<void> {
  const ws = workspaceOf(cmd);
  const config = loadConfig(ws);
  const dir = path.join(ws.root, 'demo-publication');
  const files = writeDemoPublication(dir);
  const info = await withWarehouse(cmd, async (wh) => {
    const { rows } = await wh.pool.query<{ version: string; schemas: string[] }>(
      `SELECT current_setting('server_version') AS version,
              array(SELECT nspname::text FROM pg_namespace
                     WHERE nspname IN ('datawarp','staging','staging_test','archive','ref','bkp') ORDER BY 1) AS schemas`,
    );
    const loads: LoadResult[] = [];
    for (const f of files) {
      if (!(await getSource(wh.pool, f.source))) {
        await registerSource(wh.pool, {
          sourceCode: f.source,
          publication: f.publication,
          domain: 'Demo',
          owner: 'demo@example.org',
          purpose: 'datawarp demo: a made-up publication to show loading, validation and audit',
          loadMode: f.mode,
          validationRequired: true,
        });
      }
      loads.push(
        await loadFile(wh.pool, {
          file: f.file,
          workspace: ws,
          sourceCode: f.source,
          sheet: f.sheet,
          config,
          user: currentUser(),
        }),
      );
    }
    const tables = await wh.pool.query<{
      source: string;
      table: string;
      rows: string;
      periods: string[];
    }>(
      `SELECT s.source_code AS source, s.schema_name || '.' || s.table_name AS table,
              (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', s.schema_name, s.table_name), false, true, '')))[1]::text AS rows,
              array(SELECT DISTINCT e.period FROM datawarp.tbl_load_events e
                     WHERE e.source_code = s.source_code AND e.load_status = 'completed' ORDER BY 1) AS periods
         FROM datawarp.tbl_data_sources s WHERE s.source_code LIKE 'demo\\_%' ORDER BY 1`,
    );
    return {
      workspace: ws.root,
      database:
        wh.target.mode === 'embedded'
          ? `embedded PostgreSQL ${rows[0]?.version}`
          : describeUrl(wh.target.url),
      schemas: rows[0]?.schemas ?? [],
      migrations: latestMigration(),
      publication: dir,
      loads,
      tables: tables.rows,
    };
  });
  if (opts.json) return printJson(info);
  console.log(
    renderFields([
      ['workspace', info.workspace],
      ['database', info.database],
      ['migrations', info.migrations],
      ['publication', `${info.publication} (2 CSVs with title rows, notes and suppressed cells; 1 workbook)`],
    ]),
  );
  console.log('\nloads:');
  console.log(
    renderTable(
      ['file', 'source', 'status', 'rows', 'suppressed', 'validation'],
      info.loads.map((l, i) => [
        path.basename(l.file) + (files[i]?.sheet ? ` (sheet ${files[i]!.sheet})` : ''),
        l.sourceCode,
        l.status === 'skipped' ? 'skipped (already loaded)' : l.status,
        l.rowsLoaded,
        l.rowsSuppressed,
        l.validationStatus ?? '',
      ]),
    ),
  );
  console.log('\nwhat landed:');
  console.log(
    renderTable(
      ['source', 'table', 'rows', 'periods'],
      info.tables.map((t) => [t.source, t.table, t.rows, t.periods]),
    ),
  );
  console.log(`
query it:
  psql "$(datawarp db url)" -c "SELECT _period, icb, sum(registered_patients) FROM staging.tbl_demo_gp_patients GROUP BY 1, 2 ORDER BY 1, 2"
  psql "$(datawarp db url)" -c "SELECT * FROM datawarp.tbl_validation_results ORDER BY validation_id DESC LIMIT 10"
next:
  datawarp history            every load, with rows, hashes and timings
  datawarp sources show demo_gp_patients
  datawarp load FILE --source CODE   (after datawarp register CODE ...)`);
}
