/**
 * Reading one table of a detected text file: stream the records, keep those in the table's data
 * line range (minus blank lines and repeated header rows), pick the table's columns, and give
 * display text or typed values. The same rules drive `refineTable`, so a refined spec replays.
 */
import type { ReadOptions, Row } from './api.js';
import { TypeMisfit } from './api.js';
import { DatawarpError } from '../errors.js';
import { ColumnStats, columnConverter, decideColumn, Misfit, type Converter } from './infer/index.js';
import { streamRecords } from './read/csv.js';
import type { FileSpec, TableSpec } from './table-spec.js';

export function tableOf(spec: FileSpec, tableId: string): TableSpec {
  const table = spec.tables.find((t) => t.id === tableId);
  if (!table) {
    throw new DatawarpError('NOT_FOUND', `no table ${tableId} in this file`, {
      file: spec.file,
      hint: `tables: ${spec.tables.map((t) => t.id).join(', ') || 'none'}`,
    });
  }
  return table;
}

/**
 * A record that repeats the header inside the data (a page break in an export): every filled
 * field equals its column's header text, or the last part of a flattened multi-row header
 * (`Nov-25 - Referrals` → `Referrals`), and at least half the columns are filled.
 */
function headerRepeatTest(table: TableSpec, cols: readonly number[]): (f: readonly string[]) => boolean {
  if (!table.headerRows) return () => false;
  const full = table.columns.map((c) => c.header.trim());
  const last = full.map((h) => h.split(' - ').pop()!.trim());
  const first = full[0]!;
  const firstLast = last[0]!;
  return (f) => {
    const f0 = (f[cols[0]!] ?? '').trim();
    if (f0 !== '' && f0 !== first && f0 !== firstLast) return false;
    let filled = 0;
    for (let j = 0; j < cols.length; j++) {
      const v = (f[cols[j]!] ?? '').trim();
      if (v === '') continue;
      if (v !== full[j] && v !== last[j]) return false;
      filled++;
    }
    return filled * 2 >= cols.length;
  };
}

/** Records of a table's data range that are data: not blank, not a repeat of the header. */
async function* dataRecords(
  path: string,
  spec: FileSpec,
  table: TableSpec,
  signal?: AbortSignal,
): AsyncGenerator<{ fields: string[][]; lines: number[] }> {
  if (!spec.dialect || !spec.encoding) {
    throw new DatawarpError('FILE_UNSUPPORTED', 'the spec has no text dialect', {
      file: path,
      hint: 'detect the file again',
    });
  }
  const [first, last] = table.dataRows;
  const cols = table.columns.map((c) => c.sourceIndex);
  const isHeaderRepeat = headerRepeatTest(table, cols);
  for await (const batch of streamRecords(path, { encoding: spec.encoding, dialect: spec.dialect, signal })) {
    const fields: string[][] = [];
    const lines: number[] = [];
    let done = false;
    for (let i = 0; i < batch.fields.length; i++) {
      const line = batch.lines[i]!;
      if (line < first) continue;
      if (line > last) {
        done = true;
        break;
      }
      const f = batch.fields[i]!;
      if (f.length === 1 && f[0]!.trim() === '') continue;
      if (f.every((x) => x.trim() === '')) continue;
      if (isHeaderRepeat(f)) continue;
      fields.push(f);
      lines.push(line);
    }
    if (fields.length > 0) yield { fields, lines };
    if (done) return;
  }
}

/** Stream a table's rows in batches: one array of rows per chunk read. */
export async function* readTextBatches(
  path: string,
  spec: FileSpec,
  tableId: string,
  options: ReadOptions,
): AsyncGenerator<Row[]> {
  const table = tableOf(spec, tableId);
  const cols = table.columns.map((c) => c.sourceIndex);
  const width = cols.length;
  const typed = options.values === 'typed';
  const converters: Converter[] = typed ? table.columns.map(columnConverter) : [];
  for await (const batch of dataRecords(path, spec, table, options.signal)) {
    const rows: Row[] = new Array(batch.fields.length);
    for (let i = 0; i < batch.fields.length; i++) {
      const f = batch.fields[i]!;
      const row: (string | null)[] = new Array(width);
      if (typed) {
        let j = 0;
        try {
          for (; j < width; j++) row[j] = converters[j]!(f[cols[j]!] ?? '');
        } catch (err) {
          if (err instanceof Misfit)
            throw new TypeMisfit(table.columns[j]!.name, f[cols[j]!] ?? '', batch.lines[i]!);
          throw err;
        }
      } else {
        for (let j = 0; j < width; j++) row[j] = f[cols[j]!] ?? '';
      }
      rows[i] = row;
    }
    yield rows;
  }
}

export async function* readText(
  path: string,
  spec: FileSpec,
  tableId: string,
  options: ReadOptions,
): AsyncGenerator<Row> {
  for await (const rows of readTextBatches(path, spec, tableId, options)) yield* rows;
}

/** Re-infer types, nullability, suppression and the exact row count from every row. */
export async function refineText(path: string, spec: FileSpec, tableId: string): Promise<TableSpec> {
  const table = tableOf(spec, tableId);
  const cols = table.columns.map((c) => c.sourceIndex);
  const stats = cols.map(() => new ColumnStats());
  let rows = 0;
  let lastLine = table.dataRows[0];
  for await (const batch of dataRecords(path, spec, table)) {
    for (const f of batch.fields) {
      for (let j = 0; j < cols.length; j++) stats[j]!.observeText(f[cols[j]!] ?? '');
    }
    rows += batch.fields.length;
    lastLine = batch.lines[batch.lines.length - 1]!;
  }
  const columns = table.columns.map((c, j) => {
    const g = decideColumn(stats[j]!, c.header);
    const { format: _format, ...rest } = c;
    return {
      ...rest,
      type: g.type,
      nullable: g.nullable,
      suppressed: g.suppressed,
      ...(g.format ? { format: g.format } : {}),
      examples: g.examples,
    };
  });
  const warnings = table.warnings.filter((w) => !w.startsWith('row count estimated'));
  return {
    ...table,
    columns,
    rowCount: rows,
    dataRows: [table.dataRows[0], Math.max(table.dataRows[0], lastLine)],
    warnings,
  };
}
