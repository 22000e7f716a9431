import { Command } from 'commander';
import { lazyAction } from '../lazy-action.js';

const actions = () => import('../actions/manifest.js');

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
    .action(lazyAction(async () => (await actions()).runCreate));
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
    .action(lazyAction(async () => (await actions()).runValidate));
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
    .action(lazyAction(async () => (await actions()).runStatus));
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
    .action(lazyAction(async () => (await actions()).runCompare));
}
