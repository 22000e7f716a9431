import { detectFile, type FileSpec, type TableSpec } from '../../engine/index.js';
import { formatCount } from '../../format.js';
import { printJson, renderTable } from '../output.js';

interface DetectCliOptions {
  sheet?: string;
  headerless?: boolean;
  columns?: string;
  json?: boolean;
}

function describeRange(label: string, range: readonly [number, number] | null, unit: string): string {
  if (!range) return `no ${label}`;
  return range[0] === range[1] ? `${label} ${unit} ${range[0]}` : `${label} ${unit}s ${range[0]}–${range[1]}`;
}

function visible(ch: string | null): string {
  if (ch === null) return 'none';
  return { '\t': 'tab', '\n': 'LF', '\r\n': 'CRLF', '\r': 'CR', ' ': 'space' }[ch] ?? `'${ch}'`;
}

/** One line of at most `max` characters; a cut text ends in `…`, so it is not read as the whole. */
function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function renderTableSpec(t: TableSpec, unit: string): string {
  const where = [t.member && `member ${t.member}`, t.sheet && `sheet ${t.sheet}`].filter(Boolean).join(', ');
  const head =
    `table ${t.id}: ${t.name} (${t.kind}${where ? `, ${where}` : ''}) — ` +
    `${describeRange('header', t.headerRows, unit)}, ${describeRange('data', t.dataRows, unit)}, ` +
    `${formatCount(t.rowCount)} rows, confidence ${t.confidence}`;
  const columns = renderTable(
    ['column', 'type', 'null', 'suppressed', 'header', 'examples'],
    t.columns.map((c) => [
      c.name,
      c.type,
      c.nullable ? 'yes' : 'no',
      c.suppressed || '',
      c.header === c.name ? '' : clip(c.header, 40),
      (c.examples ?? []).map((e) => clip(e, 20)).join(', '),
    ]),
  );
  const warnings = t.warnings.map((w) => `  warning: ${w}`);
  return [head, columns.replace(/^/gm, '  '), ...warnings].join('\n');
}

export function renderFileSpec(spec: FileSpec): string {
  const lines = [`file     ${spec.file} (${spec.format}, ${formatCount(spec.bytes)} bytes)`];
  lines.push(`sha256   ${spec.sha256}`);
  if (spec.encoding) lines.push(`encoding ${spec.encoding}`);
  if (spec.dialect) {
    const d = spec.dialect;
    lines.push(
      `dialect  delimiter ${visible(d.delimiter)}, quote ${visible(d.quote)}, escape ${d.escape ? visible(d.escape) : 'doubled quote'}, ` +
        `lines ${d.lineTerminator === 'mixed' ? 'mixed' : visible(d.lineTerminator)}${d.comment ? `, comments ${visible(d.comment)}` : ''}`,
    );
  }
  lines.push(
    `period   ${spec.period ? `${spec.period.code} (${spec.period.start} to ${spec.period.end})` : 'none found'}`,
  );
  const unit = spec.format === 'csv' ? 'line' : 'row';
  for (const t of spec.tables) lines.push('', renderTableSpec(t, unit));
  if (spec.tables.length === 0) lines.push('', 'no tables found');
  if (spec.tables.length > 1) {
    lines.push(
      '',
      `${spec.tables.length} tables: pick one with --table ID (extract, load); notes tables are not loaded by default`,
    );
  }
  return lines.join('\n');
}

export async function runDetect(file: string, opts: DetectCliOptions): Promise<void> {
  const columnNames = opts.columns?.split(',').map((s) => s.trim());
  const spec = await detectFile(file, {
    ...(opts.sheet ? { sheet: opts.sheet } : {}),
    ...(opts.headerless || columnNames ? { headerless: true } : {}),
    ...(columnNames ? { columnNames } : {}),
  });
  if (opts.json) return printJson(spec);
  console.log(renderFileSpec(spec));
}
