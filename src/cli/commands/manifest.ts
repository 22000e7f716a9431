import fs from 'node:fs';
import { Command } from 'commander';
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

export function manifestCommand(): Command {
  const manifest = new Command('manifest')
    .description('create, validate, compare manifests and see what load-batch did with one')
    .addHelpText(
      'after',
      `
Examples:
  $ datawarp manifest create https://digital.nhs.uk/.../may-2025 -o manifests/pending/adhd_may25.yaml
  $ datawarp manifest validate manifests/pending/adhd_may25.yaml
  $ datawarp manifest compare adhd_mar25.yaml adhd_apr25.yaml
  $ datawarp manifest status manifests/active/adhd_may25.yaml`,
    );
  manifest.addCommand(createCommand());
  manifest.addCommand(validateCommand());
  manifest.addCommand(statusCommand());
  manifest.addCommand(compareCommand());
  return manifest;
}

function createCommand(): Command {
  return new Command('create')
    .description('draft a manifest from data file URLs, local files, or a landing page that links to them')
    .argument('<inputs...>', 'URLs of files or landing pages, local files or folders')
    .requiredOption('-o, --output <file>', 'manifest file to write')
    .option('--name <name>', "the manifest's name (default: from the page title or first file)")
    .option('--force', 'overwrite the output file')
    .option('--offline', 'use only the download cache')
    .option(
      '--history',
      'let earlier loads of the same source codes inform the load-mode verdict (opens the database)',
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Downloads go to the workspace's download cache (downloads/<yyyy-mm>/). Each table found becomes a
source with a code without dates (the same next month), a period per file, and the load-mode
classifier's recommendation; notes and cover sheets are listed but disabled.

Examples:
  $ datawarp manifest create https://digital.nhs.uk/data-and-information/publications/statistical/mi-adhd/may-2025 -o adhd_may25.yaml
  $ datawarp manifest create data/GP_Practice_Jan25.csv data/GP_Practice_Feb25.csv -o gp_practice.yaml`,
    )
    .action(
      async (
        inputs: string[],
        opts: {
          output: string;
          name?: string;
          force?: boolean;
          offline?: boolean;
          history?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
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
      },
    );
}

function validateCommand(): Command {
  return new Command('validate')
    .description('check a manifest: every problem as file:line, errors and warnings')
    .argument('<file>', 'manifest YAML file')
    .option('--json', 'print the problems as JSON')
    .addHelpText(
      'after',
      `
Exit code 0 when there are no errors (warnings allowed), 2 when there are.

Example:
  $ datawarp manifest validate manifests/pending/adhd_may25.yaml`,
    )
    .action((file: string, opts: { json?: boolean }) => {
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
    });
}

function statusCommand(): Command {
  return new Command('status')
    .description('what load-batch did with each file of a manifest (pending, loaded, failed, ...)')
    .argument('<file>', 'manifest YAML file')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Example:
  $ datawarp manifest status manifests/active/adhd_may25.yaml`,
    )
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
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
    });
}

function compareCommand(): Command {
  return new Command('compare')
    .description('what changed between two manifests: sources and columns added, removed, renamed, retyped')
    .argument('<old>', 'the earlier manifest')
    .argument('<new>', 'the later manifest')
    .option('--strict', 'exit 5 when something was removed, renamed or retyped (for CI)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Run it at financial-year boundaries, when April releases add and rename columns. Columns are
compared when both manifests have columns: (manifest create writes them).

Example:
  $ datawarp manifest compare adhd_mar25.yaml adhd_apr25.yaml --strict`,
    )
    .action((oldFile: string, newFile: string, opts: { strict?: boolean; json?: boolean }) => {
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
