import { Command } from 'commander';
import { lazyAction } from '../lazy-action.js';

export function loadBatchCommand(): Command {
  return new Command('load-batch')
    .description('load every enabled source and file of a manifest, in period order; re-runs resume')
    .argument('<manifest>', 'manifest YAML file (see docs/manifests.md)')
    .option('--validate', 'enforce validation gates: a file that fails one is rolled back')
    .option('--force', 'load files again even when they were loaded before')
    .option('--only <code...>', 'only these sources (a disabled source named here is loaded too)')
    .option('--offline', 'use only the download cache; fetch nothing')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Sources not yet registered are registered when the manifest (or datawarp.yaml defaults:) gives their
owner, domain, publication and purpose; others are refused. One file's failure does not stop the
rest; the exit code is 8 when any file failed. \`datawarp manifest status MANIFEST\` shows each file.

Examples:
  $ datawarp load-batch manifests/active/adhd_may25.yaml
  $ datawarp load-batch adhd.yaml --only adhd_may25_data --force
  $ datawarp load-batch adhd.yaml --offline --json`,
    )
    .action(lazyAction(async () => (await import('../actions/load-batch.js')).runLoadBatch));
}
