import type { Command } from 'commander';
import { describeSource, listLoadEvents, listSources, registerSource } from '../../lifecycle/registry.js';
import { withWarehouse } from '../context.js';
import { plural, printJson, renderFields, renderTable } from '../output.js';

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

export async function runRegister(code: string, opts: RegisterOptions, cmd: Command): Promise<void> {
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
}

export async function runSources(opts: { json?: boolean }, cmd: Command): Promise<void> {
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
}

export async function runSourcesShow(code: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
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
        d.lastLoad ? `#${d.lastLoad.load_id} ${d.lastLoad.load_status}, ${d.lastLoad.rows_loaded} rows` : '-',
      ],
      ...(s.deprecation_reason ? ([['deprecation reason', s.deprecation_reason]] as const) : []),
    ]),
  );
}

export async function runHistory(
  code: string | undefined,
  opts: { json?: boolean; limit: number },
  cmd: Command,
): Promise<void> {
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
}
