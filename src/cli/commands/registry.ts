import { Command, InvalidArgumentError } from 'commander';
import {
  describeSource,
  listLoadEvents,
  listSources,
  registerSource,
  LOAD_MODES,
} from '../../lifecycle/registry.js';
import { withWarehouse } from '../context.js';
import { plural, printJson, renderFields, renderTable } from '../output.js';

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

interface RegisterOptions {
  publication?: string;
  domain?: string;
  owner?: string;
  purpose?: string;
  retentionDays?: number;
  loadMode?: string;
  validationRequired?: boolean;
  json?: boolean;
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
    .action(async (code: string, opts: RegisterOptions, cmd: Command) => {
      const row = await withWarehouse(cmd, (wh) =>
        registerSource(wh.pool, {
          sourceCode: code,
          publication: opts.publication as string,
          domain: opts.domain as string,
          owner: opts.owner as string,
          purpose: opts.purpose as string,
          retentionDays: opts.retentionDays,
          loadMode: opts.loadMode as never,
          validationRequired: opts.validationRequired,
        }),
      );
      if (opts.json) return printJson(row);
      console.log(
        `registered ${row.source_code}: loads will land in ${row.schema_name}.${row.table_name} (${row.load_mode})`,
      );
    });
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
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rows = await withWarehouse(cmd, (wh) => listSources(wh.pool));
      if (opts.json) return printJson(rows);
      if (!rows.length) return console.log('no sources registered yet: see `datawarp register --help`');
      console.log(
        renderTable(
          ['source', 'status', 'mode', 'table', 'owner', 'last loaded'],
          rows.map((r) => [
            r.source_code,
            r.status,
            r.load_mode,
            `${r.schema_name}.${r.table_name}`,
            r.owner,
            r.last_loaded_at,
          ]),
        ),
      );
    });

  sources
    .command('show')
    .description('show one source: registry fields, table, row count and last load')
    .argument('<source_code>')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { json?: boolean }, cmd: Command) => {
      const d = await withWarehouse(cmd, (wh) => describeSource(wh.pool, code));
      if (opts.json) return printJson(d);
      const s = d.source;
      console.log(
        renderFields([
          ['source', s.source_code],
          ['status', s.status],
          ['publication', s.publication],
          ['domain', s.domain],
          ['owner', s.owner],
          ['purpose', s.purpose],
          ['load mode', s.load_mode],
          ['validation required', s.validation_required ? 'yes' : 'no'],
          ['retention', plural(s.retention_days, 'day')],
          ['table', `${s.schema_name}.${s.table_name}`],
          ['rows', d.rowCount === null ? 'not created yet' : d.rowCount],
          ['created', `${s.created_at.toISOString()} by ${s.created_by}`],
          ['last loaded', s.last_loaded_at ?? 'never'],
          [
            'last load',
            d.lastLoad
              ? `#${d.lastLoad.load_id} ${d.lastLoad.load_status}, ${d.lastLoad.rows_loaded} rows`
              : '-',
          ],
          ...(s.deprecation_reason ? ([['deprecation reason', s.deprecation_reason]] as const) : []),
        ]),
      );
    });
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
    .action(async (code: string | undefined, opts: { json?: boolean; limit: number }, cmd: Command) => {
      const rows = await withWarehouse(cmd, (wh) => listLoadEvents(wh.pool, code, opts.limit));
      if (opts.json) return printJson(rows);
      if (!rows.length) return console.log(code ? `no loads for ${code} yet` : 'no loads yet');
      console.log(
        renderTable(
          ['load', 'source', 'status', 'rows', 'period', 'file', 'started', 'error'],
          rows.map((r) => [
            r.load_id,
            r.source_code,
            r.load_status,
            r.rows_loaded,
            r.period,
            r.file_reference,
            r.started_at,
            r.error_message,
          ]),
        ),
      );
    });
}
