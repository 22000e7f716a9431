import { Command, InvalidArgumentError } from 'commander';
import { DatawarpError } from '../../errors.js';
import { currentUser, LOAD_MODES, type LoadMode } from '../../lifecycle/registry.js';
import { abortOnSignals, loadFile, parsePeriod, type LoadResult } from '../../pipeline/load/index.js';
import { loadConfig } from '../../storage/config.js';
import { withWarehouse, workspaceOf } from '../context.js';
import { plural, printJson } from '../output.js';
import { progressReporter } from '../progress.js';

interface LoadOptions {
  source: string;
  table?: string;
  sheet?: string;
  mode?: LoadMode;
  period?: string;
  validate?: boolean;
  test?: boolean;
  force?: boolean;
  refresh?: boolean;
  json?: boolean;
}

function parseMode(value: string): LoadMode {
  const v = value.toLowerCase();
  if (!(LOAD_MODES as readonly string[]).includes(v))
    throw new InvalidArgumentError(`must be one of ${LOAD_MODES.join(', ')}`);
  return v as LoadMode;
}

export function loadCommand(): Command {
  return new Command('load')
    .description(
      'load one table of a file or URL into its source table: typed, transactional, audited, validated',
    )
    .argument('<file>', 'a CSV/Excel/ZIP path or an http(s) URL')
    .requiredOption('-s, --source <code>', 'the registered source to load into')
    .option('--table <id>', 'which table of the file (ids from `datawarp detect`), when it holds several')
    .option('--sheet <name>', 'only look at this sheet of a workbook')
    .option('--mode <mode>', `${LOAD_MODES.join('|')} (default: the source's load mode)`, parseMode)
    .option(
      '--period <period>',
      'the period the data covers, e.g. 2025-11 (default: from the file name or URL)',
    )
    .option(
      '--validate',
      'roll the load back when a validation gate fails (always so for sources with validation_required)',
    )
    .option('--test', 'load an unregistered source into staging_test, for a try-out')
    .option('--force', 'load even if this exact file was already loaded for this source and period')
    .option('--refresh', 'download a URL again even when the download cache has it')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Modes: append adds rows; replace swaps the rows an earlier load of the same file (and table) wrote
for the same period, leaving sibling files of that period alone; fullload empties the table first.

Examples:
  $ datawarp load gp_practices_2025_11.csv --source gp_practices
  $ datawarp load https://example.org/sitrep-2025-11.xlsx --source sitrep --table t2 --validate
  $ datawarp load trial.csv --source scratch --test --json`,
    )
    .action(async (file: string, opts: LoadOptions, cmd: Command) => {
      const ws = workspaceOf(cmd);
      const config = loadConfig(ws);
      const period = opts.period !== undefined ? parsePeriod(opts.period) : undefined;
      const controller = new AbortController();
      const removeHandlers = abortOnSignals(controller);
      const progress = progressReporter(!opts.json && Boolean(process.stderr.isTTY));
      let result: LoadResult;
      try {
        result = await withWarehouse(cmd, (wh) =>
          loadFile(wh.pool, {
            file,
            workspace: ws,
            sourceCode: opts.source,
            table: opts.table,
            sheet: opts.sheet,
            mode: opts.mode,
            period,
            validate: opts.validate,
            test: opts.test,
            force: opts.force,
            refresh: opts.refresh,
            config,
            user: currentUser(),
            signal: controller.signal,
            onProgress: progress.update,
          }),
        );
      } finally {
        progress.done();
        removeHandlers();
      }
      if (opts.json) printJson(result);
      else console.log(renderResult(result));
      if (result.status === 'rolled_back') {
        throw new DatawarpError('VALIDATION_FAILED', `${file}: validation failed, the load was rolled back`, {
          hint: 'see the failing checks above; fix the file or the thresholds in datawarp.yaml',
        });
      }
    });
}

const MARK = { pass: '✓', warn: '⚠', fail: '✗' } as const;

export function renderResult(r: LoadResult): string {
  const where = `${r.schema}.${r.table}`;
  const lines: string[] = [];
  if (r.status === 'skipped') {
    lines.push(`${r.file}: ${r.notes[0] ?? 'skipped'}`);
    return lines.join('\n');
  }
  const verb = r.status === 'completed' ? 'loaded' : 'rolled back';
  lines.push(
    `${verb} ${r.file} → ${where} (load ${r.loadId}, ${r.mode}${r.period ? `, period ${r.period.code}` : ''}${r.test ? ', test' : ''})`,
  );
  const rowBits = [`${plural(r.rowsLoaded, 'row')} loaded`];
  if (r.sourceRows !== null && r.sourceRows !== r.rowsLoaded)
    rowBits.push(`${r.sourceRows.toLocaleString('en-GB')} in the file`);
  if (r.rowsSuppressed) rowBits.push(`${plural(r.rowsSuppressed, 'suppressed cell')} as null`);
  if (r.rowsDeleted)
    rowBits.push(`${plural(r.rowsDeleted, 'earlier row')} ${r.mode === 'fullload' ? 'removed' : 'replaced'}`);
  lines.push(`  rows     ${rowBits.join(', ')}`);
  const colBits = [plural(r.columns, 'column')];
  if (r.created) colBits.push('table created');
  if (r.columnsAdded.length) colBits.push(`added ${r.columnsAdded.join(', ')}`);
  for (const w of r.columnsWidened) colBits.push(`widened ${w.column} ${w.from} → ${w.to}`);
  if (r.columnsPending.length) colBits.push(`${r.columnsPending.length} new held for review`);
  lines.push(`  columns  ${colBits.join('; ')}`);
  lines.push(
    `  time     ${(r.durationMs / 1000).toFixed(2)} s${r.refined ? ' (types re-checked over the whole file)' : ''}`,
  );
  if (r.validation.length) {
    const enforced = r.validationEnforced ? 'enforced' : 'not enforced';
    lines.push(`validation: ${r.validationStatus} (${enforced})`);
    for (const g of r.validation)
      lines.push(`  ${MARK[g.status]} ${g.validation_type}/${g.check_name}: ${g.message}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  if (r.status === 'completed')
    lines.push(`query: psql "$(datawarp db url)" -c 'SELECT * FROM ${where} LIMIT 10'`);
  return lines.join('\n');
}
