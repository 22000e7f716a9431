import type { Command } from 'commander';
import { DatawarpError, EXIT, isDatawarpError } from '../../errors.js';
import { currentUser } from '../../lifecycle/registry.js';
import { loadBatch, type BatchFileResult, type BatchResult } from '../../pipeline/load-batch.js';
import { abortOnSignals, cancelledError } from '../../pipeline/load/index.js';
import { loadConfig } from '../../storage/config.js';
import { safeDecode } from '../../storage/download.js';
import { withWarehouse, workspaceOf } from '../context.js';
import { plural, printJson, renderTable } from '../output.js';

interface LoadBatchFlags {
  validate?: boolean;
  force?: boolean;
  only?: string[];
  offline?: boolean;
  json?: boolean;
}

export async function runLoadBatch(manifest: string, opts: LoadBatchFlags, cmd: Command): Promise<void> {
  const ws = workspaceOf(cmd);
  const config = loadConfig(ws);
  const live = !opts.json && process.stderr.isTTY;
  // Ctrl-C rolls back the file in progress; the files done stay done and a re-run resumes
  const controller = new AbortController();
  const removeHandlers = abortOnSignals(controller);
  const result = await withWarehouse(cmd, (wh) =>
    loadBatch(wh.pool, {
      manifest,
      workspace: ws,
      config,
      user: currentUser(),
      validate: opts.validate,
      force: opts.force,
      only: opts.only,
      offline: opts.offline,
      signal: controller.signal,
      onEvent: (e) => {
        if (opts.json) return;
        if (e.kind === 'warning') process.stderr.write(`${e.message}\n`);
        else if (e.kind === 'registered') process.stderr.write(`registered source ${e.source}\n`);
        else if (e.kind === 'refused') process.stderr.write(`refused: ${e.reason}\n`);
        else if (live)
          process.stderr.write(
            `[${e.index}/${e.total}] ${e.result.source} ${e.result.period ?? ''} ${e.result.status}\n`,
          );
      },
    }),
  ).finally(removeHandlers);
  if (opts.json) printJson(result);
  else printSummary(result);
  if (controller.signal.aborted)
    throw isDatawarpError(controller.signal.reason) ? controller.signal.reason : cancelledError();
  if (result.failed > 0)
    throw new DatawarpError(
      'BATCH_FAILED',
      `${plural(result.failed, 'file')} of ${result.files.length} failed`,
      {
        file: result.manifest,
        hint: `see \`datawarp manifest status ${manifest}\`; a re-run loads only what is not loaded yet`,
        exitCode: EXIT.partial,
      },
    );
}

function where(r: BatchFileResult): string {
  const name = safeDecode(r.file.split('/').pop() ?? r.file);
  return [name, r.member, r.sheet].filter(Boolean).join(' / ');
}

function printSummary(result: BatchResult): void {
  console.log(
    renderTable(
      ['source', 'period', 'file', 'mode', 'status', 'rows', 'load', 'error'],
      result.files.map((r) => [
        r.source,
        r.period ?? '',
        where(r),
        r.mode,
        r.status,
        r.rows,
        r.loadId ?? '',
        r.error ? r.error.message : '',
      ]),
    ),
  );
  const by = (s: string) => result.files.filter((r) => r.status === s).length;
  console.log(
    `\n${result.name}: ${plural(by('loaded'), 'file')} loaded, ${by('unchanged') + by('already_loaded')} already loaded, ` +
      `${result.failed} failed; manifest state ${result.state}`,
  );
  if (result.registered.length) console.log(`registered: ${result.registered.join(', ')}`);
  if (result.columnsDescribed)
    console.log(`column metadata from the manifest: ${plural(result.columnsDescribed, 'column')}`);
  for (const d of result.duplicates) console.log(`warning: ${d.message}`);
}
