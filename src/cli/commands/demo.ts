import { Command } from 'commander';
import { lazyAction } from '../lazy-action.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('set up the workspace, load a messy demo publication, and show what landed')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Example:
  $ npx datawarp demo
  $ npx datawarp demo --workspace /tmp/dw-demo`,
    )
    .action(lazyAction(async () => (await import('../actions/demo.js')).runDemo));
}
