import { Command, InvalidArgumentError } from 'commander';
import { LOAD_MODES } from '../../lifecycle/load-modes.js';
import { lazyAction } from '../lazy-action.js';

const actions = () => import('../actions/registry.js');

function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function parseBoolean(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', 'yes', '1'].includes(v)) return true;
  if (['false', 'no', '0'].includes(v)) return false;
  throw new InvalidArgumentError('must be true or false');
}

export function registerCommand(): Command {
  return new Command('register')
    .description('register a source: nothing is loaded for a source nobody registered')
    .argument('<source_code>', 'unique code: lowercase letters, digits, underscores')
    .option('--publication <name>', 'publication the data comes from')
    .option('--domain <domain>', 'domain, e.g. "Clinical - Mental Health"')
    .option('--owner <email>', "data owner's email")
    .option('--purpose <text>', 'why this is loaded (at most 500 characters)')
    .option('--retention-days <n>', 'days to keep loaded data (default 365)', parseInteger)
    .option('--load-mode <mode>', `${LOAD_MODES.join('|')} (default replace)`, (v: string) => v.toLowerCase())
    .option(
      '--validation-required <bool>',
      'roll a load back when a validation gate fails (default true)',
      parseBoolean,
    )
    .option('--json', 'print the registered source as JSON')
    .addHelpText(
      'after',
      `
Example:
  $ datawarp register adhd_referrals --publication "ADHD Management Information" \\
      --domain "Clinical - Mental Health" --owner analyst@nhs.net \\
      --purpose "Track ADHD referral waiting times" --load-mode replace`,
    )
    .action(lazyAction(async () => (await actions()).runRegister));
}

export function sourcesCommand(): Command {
  const sources = new Command('sources')
    .description('list registered sources')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ datawarp sources
  $ datawarp sources show adhd_referrals --json`,
    )
    .action(lazyAction(async () => (await actions()).runSources));

  sources
    .command('show')
    .description('show one source: registry fields, table, row count and last load')
    .argument('<source_code>')
    .option('--json', 'print JSON')
    .action(lazyAction(async () => (await actions()).runSourcesShow));
  return sources;
}

export function historyCommand(): Command {
  return new Command('history')
    .description('load events, newest first')
    .argument('[source_code]', 'only this source')
    .option('--limit <n>', 'at most this many events', parseInteger, 50)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ datawarp history
  $ datawarp history adhd_referrals --limit 5 --json`,
    )
    .action(lazyAction(async () => (await actions()).runHistory));
}
