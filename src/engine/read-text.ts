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
  const c0 = cols[0]!;
  return (f) => {
    // most records differ in their first field: decide that without allocating
    const raw0 = f[c0] ?? '';
    if (raw0 !== first && raw0 !== firstLast && raw0 !== '' && !hasEdgeSpace(raw0)) return false;
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

function hasEdgeSpace(s: string): boolean {
  return s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32;
}

/** True when every field is empty or white space. */
function isBlankRecord(f: readonly string[]): boolean {
  for (let i = 0; i < f.length; i++) {
    const v = f[i]!;
    if (v.length > 0 && (!hasEdgeSpace(v) || v.trim() !== '')) return false;
  }
  return true;
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
    // keep the data records, compacting the batch's own arrays in place
    const { fields, lines } = batch;
    let kept = 0;
    let done = false;
    for (let i = 0; i < fields.length; i++) {
      const line = lines[i]!;
      if (line < first) continue;
      if (line > last) {
        done = true;
        break;
      }
      const f = fields[i]!;
      if (isBlankRecord(f) || isHeaderRepeat(f)) continue;
      fields[kept] = f;
      lines[kept] = line;
      kept++;
    }
    fields.length = kept;
    lines.length = kept;
    if (kept > 0) yield { fields, lines };
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
  // the common case: the table is every field in order, so a record becomes its row in place
  const identity = cols.every((c, j) => c === j);
  for await (const batch of dataRecords(path, spec, table, options.signal)) {
    if (identity) {
      yield inPlaceRows(batch, width, typed ? converters : null, table);
      continue;
    }
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

/** Records as rows without copying: pad or cut each to the table's width, convert in place. */
function inPlaceRows(
  batch: { fields: string[][]; lines: number[] },
  width: number,
  converters: Converter[] | null,
  table: TableSpec,
): Row[] {
  const rows = batch.fields as (string | null)[][];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length > width) row.length = width;
    while (row.length < width) row.push('');
    if (converters) {
      let j = 0;
      let v = '';
      try {
        for (; j < width; j++) {
          v = row[j] as string;
          row[j] = converters[j]!(v);
        }
      } catch (err) {
        if (err instanceof Misfit) throw new TypeMisfit(table.columns[j]!.name, v, batch.lines[i]!);
        throw err;
      }
    }
  }
  return rows;
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
