import type { Command } from 'commander';
import { DatawarpError } from '../../errors.js';
import { formatCount } from '../../format.js';
import { currentUser, type LoadMode } from '../../lifecycle/registry.js';
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

export async function runLoad(file: string, opts: LoadOptions, cmd: Command): Promise<void> {
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
    rowBits.push(`${formatCount(r.sourceRows)} in the file`);
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
