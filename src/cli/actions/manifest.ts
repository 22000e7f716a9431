import fs from 'node:fs';
import type { Command } from 'commander';
import { DatawarpError, EXIT } from '../../errors.js';
import {
  compareManifests,
  hasBreakingChanges,
  hasChanges,
  type ManifestDiff,
} from '../../pipeline/manifest/compare.js';
import { createManifest } from '../../pipeline/manifest/create.js';
import { loadHistoryOf } from '../../pipeline/manifest/history.js';
import type { LoadHistory } from '../../pipeline/manifest/load-mode.js';
import { checkManifest, formatProblem, readManifest } from '../../pipeline/manifest/parse.js';
import { manifestStatus } from '../../pipeline/manifest/status.js';
import { safeDecode } from '../../storage/download.js';
import { withWarehouse, workspaceOf } from '../context.js';
import { plural, printJson, renderTable } from '../output.js';

interface CreateOptions {
  output: string;
  name?: string;
  force?: boolean;
  offline?: boolean;
  history?: boolean;
  json?: boolean;
}

export async function runCreate(inputs: string[], opts: CreateOptions, cmd: Command): Promise<void> {
  const create = (history?: (code: string) => Promise<LoadHistory | null>) =>
    createManifest(workspaceOf(cmd), {
      inputs,
      output: opts.output,
      name: opts.name,
      force: opts.force,
      download: { offline: opts.offline },
      history,
      onProgress: opts.json ? undefined : (m) => process.stderr.write(`${m}\n`),
    });
  const result = opts.history
    ? await withWarehouse(cmd, (wh) => create((code) => loadHistoryOf(wh.pool, code)))
    : await create();
  if (opts.json) printJson(result);
  else {
    console.log(
      `wrote ${result.output}: ${plural(result.sources, 'source')} (${result.enabled} enabled) from ${plural(result.files, 'file')}`,
    );
    for (const f of result.failures) console.log(`skipped ${f.input}: ${f.message}`);
  }
  if (result.failures.length)
    throw new DatawarpError(
      'BATCH_FAILED',
      `${plural(result.failures.length, 'input')} could not be described`,
      {
        file: result.output,
        hint: 'the manifest was written without them; fix the inputs and run again with --force',
        exitCode: EXIT.partial,
      },
    );
}

export function runValidate(file: string, opts: { json?: boolean }): void {
  if (!fs.existsSync(file))
    throw new DatawarpError('FILE_NOT_FOUND', 'manifest not found', {
      file,
      hint: 'give the path of a manifest YAML file',
    });
  const check = checkManifest(fs.readFileSync(file, 'utf8'), file);
  const errors = check.problems.filter((p) => p.level === 'error');
  const m = check.manifest;
  if (opts.json)
    printJson({
      file,
      valid: errors.length === 0,
      sources: m?.sources.length ?? null,
      enabled: m?.sources.filter((s) => s.enabled).length ?? null,
      files: m?.sources.reduce((n, s) => n + s.files.length, 0) ?? null,
      problems: check.problems,
    });
  else {
    for (const p of check.problems) console.log(formatProblem(file, p));
    if (m && !errors.length)
      console.log(
        `${file}: valid: ${plural(m.sources.length, 'source')} (${m.sources.filter((s) => s.enabled).length} enabled), ` +
          `${plural(
            m.sources.reduce((n, s) => n + s.files.length, 0),
            'file',
          )}, ${plural(check.problems.length, 'warning')}`,
      );
  }
  if (errors.length)
    throw new DatawarpError('MANIFEST_INVALID', `${plural(errors.length, 'error')} in the manifest`, {
      file,
      location: errors[0]?.line ? { line: errors[0].line } : undefined,
      hint: 'fix the lines listed above; docs/manifests.md describes the format',
    });
}

export async function runStatus(file: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const status = await withWarehouse(cmd, (wh) => manifestStatus(wh.pool, file));
  if (opts.json) return printJson(status);
  console.log(
    renderTable(
      ['source', 'period', 'file', 'status', 'attempts', 'rows', 'load', 'error'],
      status.files
        .filter((f) => f.enabled || f.status !== 'pending')
        .map((f) => [
          f.source,
          f.period ?? '',
          [safeDecode(f.file.split('/').pop() ?? f.file), f.member, f.sheet].filter(Boolean).join(' / '),
          f.status,
          f.attempts,
          f.rows ?? '',
          f.loadId ?? '',
          f.error ?? '',
        ]),
    ),
  );
  const c = status.counts;
  console.log(
    `\n${status.name} (state ${status.state}): ${c.loaded} loaded, ${c.skipped} unchanged, ${c.failed} failed, ` +
      `${c.pending} pending${c.running ? `, ${c.running} running` : ''}; last run ${status.lastRunAt?.toISOString() ?? 'never'}`,
  );
}

export function runCompare(
  oldFile: string,
  newFile: string,
  opts: { strict?: boolean; json?: boolean },
): void {
  const diff = compareManifests(readManifest(oldFile).manifest, readManifest(newFile).manifest);
  if (opts.json)
    printJson({
      old: oldFile,
      new: newFile,
      hasChanges: hasChanges(diff),
      breaking: hasBreakingChanges(diff),
      ...diff,
    });
  else console.log(renderDiff(diff));
  if (opts.strict && hasBreakingChanges(diff))
    throw new DatawarpError('VALIDATION_FAILED', 'sources or columns were removed, renamed or retyped', {
      file: newFile,
      hint: 'downstream queries may break: review the changes above',
    });
}

export function renderDiff(diff: ManifestDiff): string {
  if (!hasChanges(diff)) return `no changes (${plural(diff.unchanged, 'source')} compared)`;
  const lines: string[] = [];
  for (const code of diff.sourcesAdded) lines.push(`+ source ${code}`);
  for (const code of diff.sourcesRemoved) lines.push(`- source ${code}`);
  for (const r of diff.sourcesRenamed)
    lines.push(`~ source ${r.from} -> ${r.to} (looks renamed, similarity ${r.similarity})`);
  for (const c of diff.changed) {
    const head = `  ${c.code}${c.renamedFrom ? ` (was ${c.renamedFrom})` : ''}:`;
    const parts: string[] = [];
    for (const col of c.columnsAdded) parts.push(`    + column ${col}`);
    for (const col of c.columnsRemoved) parts.push(`    - column ${col}`);
    for (const r of c.columnsRenamed) parts.push(`    ~ column ${r.from} -> ${r.to} (looks renamed)`);
    for (const t of c.typeChanges) parts.push(`    ! column ${t.column}: ${t.from} -> ${t.to}`);
    if (c.enabledChanged) parts.push(`    enabled: ${c.enabledChanged.from} -> ${c.enabledChanged.to}`);
    if (c.modeChanged) parts.push(`    mode: ${c.modeChanged.from} -> ${c.modeChanged.to}`);
    if (c.columnsUnknown) parts.push('    columns not compared: one of the manifests has no columns:');
    lines.push(head, ...parts);
  }
  lines.push(
    `\n${plural(diff.sourcesAdded.length, 'source')} added, ${diff.sourcesRemoved.length} removed, ` +
      `${diff.sourcesRenamed.length} renamed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`,
  );
  return lines.join('\n');
}
