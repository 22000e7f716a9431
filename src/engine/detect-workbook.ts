/**
 * Detection and reading for workbooks (xlsx, xls, ods): every sheet's grid goes through
 * structure detection (findTables), each region becomes a TableSpec with inferred columns and
 * one-point names. Reading replays the spec: the sheet, the data row range and the columns'
 * source positions; blank rows and repeated header rows inside the range are skipped, the same
 * rule detection used to count rows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { basename } from 'node:path';
import { DatawarpError } from '../errors.js';
import type { DetectOptions, ReadOptions, Row } from './api.js';
import { TypeMisfit } from './api.js';
import type { Cell, Grid, TableRegion } from './grid.js';
import { cellAt } from './grid.js';
import { columnConverter, convertCell, inferColumns, Misfit } from './infer/index.js';
import { columnNames, positionalNames } from './naming.js';
import { detectPeriod } from './period.js';
import { readWorkbook, type Workbook } from './read/workbook.js';
import { findTables } from './structure/index.js';
import type { ColumnSpec, FileSpec, TableSpec } from './table-spec.js';
import { tableNameFrom } from './table-name.js';
import { tableOf } from './read-text.js';

/** Workbooks are parsed whole in memory; larger files are refused up front. */
export const MAX_WORKBOOK_BYTES = 128 * 1024 * 1024;

export async function readWorkbookFile(path: string): Promise<Uint8Array> {
  const stat = await fs.stat(path);
  if (stat.size === 0) {
    throw new DatawarpError('FILE_EMPTY', 'the file is empty (0 bytes)', {
      file: path,
      hint: 'check the download',
    });
  }
  if (stat.size > MAX_WORKBOOK_BYTES) {
    throw new DatawarpError('FILE_TOO_LARGE', `workbook over ${MAX_WORKBOOK_BYTES >> 20} MB`, {
      file: path,
      hint: 'export the sheet as CSV, which datawarp streams',
    });
  }
  return fs.readFile(path);
}

export interface WorkbookContext {
  /** name used for table names and periods (the file or ZIP member name) */
  readonly displayName: string;
  readonly member: string | null;
  readonly options: DetectOptions;
  /** ids continue from here (a ZIP numbers tables across members) */
  readonly firstId: number;
}

/** Select sheets by name or 1-based position, as `--sheet` does. */
export function selectSheets(wb: Workbook, sheet: string | undefined, file: string): Workbook['sheets'] {
  if (sheet === undefined) return wb.sheets;
  const byName = wb.sheets.filter((s) => s.name === sheet || s.name.toLowerCase() === sheet.toLowerCase());
  if (byName.length) return byName.slice(0, 1);
  const n = Number(sheet);
  if (Number.isInteger(n) && n >= 1 && n <= wb.sheets.length) return [wb.sheets[n - 1]!];
  throw new DatawarpError('NOT_FOUND', `no sheet ${JSON.stringify(sheet)} in the workbook`, {
    file,
    hint: `sheets: ${wb.sheets.map((s) => s.name).join(', ')}`,
  });
}

/**
 * The TableSpecs of a parsed workbook. `titles` (when given) collects the sheets' title lines
 * above data tables, which name periods when the file name does not.
 */
export function workbookTables(
  wb: Workbook,
  file: string,
  context: WorkbookContext,
  titles: string[] = [],
): TableSpec[] {
  const tables: TableSpec[] = [];
  const base = tableNameFrom(context.displayName);
  for (const sheet of selectSheets(wb, context.options.sheet, file)) {
    const regions = findTables(sheet.grid);
    const sheetName = tableNameFrom(sheet.name);
    regions.forEach((region, i) => {
      if (region.kind === 'data' && region.title) titles.push(region.title);
      const id = `t${context.firstId + tables.length}`;
      const suffix = regions.length > 1 ? `_${i + 1}` : '';
      const name =
        wb.sheets.length > 1 || sheetName !== 'sheet1' ? `${base}_${sheetName}${suffix}` : `${base}${suffix}`;
      const table = regionToTable(sheet.grid, region, {
        id,
        sheet: sheet.name,
        member: context.member,
        name: name.slice(0, 63).replace(/_+$/, ''),
        date1904: wb.date1904,
        options: context.options,
      });
      tables.push(
        sheet.hidden
          ? { ...table, warnings: [...table.warnings, 'the sheet is hidden in the workbook'] }
          : table,
      );
    });
  }
  return tables;
}

interface RegionContext {
  readonly id: string;
  readonly sheet: string;
  readonly member: string | null;
  readonly name: string;
  readonly date1904: boolean;
  readonly options: DetectOptions;
}

function regionToTable(grid: Grid, region: TableRegion, ctx: RegionContext): TableSpec {
  let headerRows = region.headerRows;
  let firstData = region.dataRows[0];
  if (ctx.options.headerless && headerRows) {
    firstData = headerRows[0];
    headerRows = null;
  }
  const headerTexts = headerRows
    ? region.headers
    : region.columns.map((_, j) => ctx.options.columnNames?.[j] ?? '');
  const rows = [
    ...dataRowIndexes(grid, firstData, region.dataRows[1], region.columns, headerRows ? headerTexts : null),
  ];
  const cells = rows.map((r) => region.columns.map((c) => grid.rows[r]?.[c]));
  const guesses = region.kind === 'data' ? inferColumns(cells, headerTexts, ctx.date1904) : null;
  const names =
    headerRows === null && !ctx.options.columnNames
      ? positionalNames(region.columns.length)
      : columnNames(headerTexts);
  const columns: ColumnSpec[] = region.columns.map((sourceIndex, j) => {
    const g = guesses?.[j];
    return {
      name: names[j]!,
      header: headerTexts[j] || names[j]!,
      type: g?.type ?? 'text',
      nullable: g?.nullable ?? true,
      suppressed: g?.suppressed ?? 0,
      sourceIndex,
      ...(g?.format ? { format: g.format } : {}),
      examples: g?.examples ?? [],
    };
  });
  const rowNo = (r: number) => grid.rowNumbers?.[r] ?? r + 1;
  return {
    id: ctx.id,
    sheet: ctx.sheet,
    member: ctx.member,
    name: ctx.name,
    kind: region.kind,
    headerRows: headerRows ? [rowNo(headerRows[0]), rowNo(headerRows[1])] : null,
    dataRows: [rowNo(firstData), rowNo(region.dataRows[1])],
    columns,
    rowCount: rows.length,
    confidence: region.confidence,
    warnings: [...region.warnings, ...(guesses?.flatMap((g) => g.warnings) ?? [])],
  };
}

/**
 * Grid rows of a table's data: the range minus blank rows and rows repeating the header text.
 * `headers` null for headerless tables.
 */
export function* dataRowIndexes(
  grid: Grid,
  first: number,
  last: number,
  columns: readonly number[],
  headers: readonly string[] | null,
): Generator<number> {
  const headerFilled = headers?.filter((h) => h).length ?? 0;
  for (let r = first; r <= last && r < grid.rows.length; r++) {
    const texts = columns.map((c) => cellAt(grid, r, c).text.trim());
    if (texts.every((t) => t === '')) continue;
    if (headers && headerFilled >= 2) {
      const same = texts.filter((t, j) => headers[j] && t === headers[j]).length;
      if (same >= Math.ceil(headerFilled * 0.8)) continue;
    }
    yield r;
  }
}

/**
 * The last workbook parsed, kept for the read that follows a detect (a load detects, then reads,
 * and may read again after retyping): parsing is most of a workbook load's time. One entry, keyed
 * by path, size and mtime, so a changed file is parsed afresh.
 */
interface ParsedWorkbook {
  readonly wb: Workbook;
  readonly bytes: number;
  readonly sha256: string;
}
let lastParsed: { key: string; parsed: Promise<ParsedWorkbook> } | null = null;

async function parseWorkbook(path: string, sheets?: readonly string[]): Promise<ParsedWorkbook> {
  const stat = await fs.stat(path);
  const key = `${path}\0${stat.size}\0${stat.mtimeMs}`;
  if (lastParsed?.key === key) return lastParsed.parsed;
  const parsed = readWorkbookFile(path).then(async (bytes) => ({
    wb: await readWorkbook(bytes, path, sheets ? { sheets } : {}),
    bytes: bytes.byteLength,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
  }));
  // a partial parse (one sheet) must not stand in for the whole workbook
  if (!sheets) lastParsed = { key, parsed };
  parsed.catch(() => {
    if (lastParsed?.parsed === parsed) lastParsed = null;
  });
  return parsed;
}

export async function detectWorkbook(path: string, options: DetectOptions = {}): Promise<FileSpec> {
  const { wb, bytes, sha256 } = await parseWorkbook(path);
  const displayName = options.displayName ?? basename(path);
  const titles: string[] = [];
  const tables = workbookTables(wb, path, { displayName, member: null, options, firstId: 1 }, titles);
  const title = titles[0] ?? tables.find((t) => t.kind === 'data')?.sheet ?? null;
  return {
    file: path,
    format: wb.format,
    bytes,
    sha256,
    encoding: null,
    period: detectPeriod(displayName, title, options.url),
    tables,
  };
}

/** Rows of one table of a parsed workbook, as display text or typed values. */
export function* workbookRows(
  wb: Workbook,
  file: string,
  table: TableSpec,
  options: ReadOptions,
): Generator<Row> {
  const sheet = wb.sheets.find((s) => s.name === table.sheet);
  if (!sheet) {
    throw new DatawarpError('NOT_FOUND', `the workbook has no sheet ${JSON.stringify(table.sheet)}`, {
      file,
      hint: 'the file changed since it was detected; detect it again',
    });
  }
  const grid = sheet.grid;
  const cols = table.columns.map((c) => c.sourceIndex);
  // physical row numbers are grid index + 1 for sheets
  const first = table.dataRows[0] - 1;
  const last = table.dataRows[1] - 1;
  const headers = table.headerRows ? table.columns.map((c) => c.header) : null;
  const converters = options.values === 'typed' ? table.columns.map((c) => columnConverter(c)) : null;
  for (const r of dataRowIndexes(grid, first, last, cols, headers)) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const cells: (Cell | undefined)[] = cols.map((c) => grid.rows[r]?.[c]);
    if (!converters) {
      yield cells.map((cell) => (cell ? cell.text : ''));
      continue;
    }
    yield cells.map((cell, j) => {
      const column = table.columns[j]!;
      try {
        return convertCell(cell, column.type, converters[j]!);
      } catch (err) {
        if (err instanceof Misfit) throw new TypeMisfit(column.name, cell?.text ?? '', r + 1);
        throw err;
      }
    });
  }
}

export async function* readWorkbookTable(
  path: string,
  spec: FileSpec,
  tableId: string,
  options: ReadOptions,
): AsyncGenerator<Row> {
  const table = tableOf(spec, tableId);
  const { wb } = await parseWorkbook(path, table.sheet ? [table.sheet] : undefined);
  yield* workbookRows(wb, path, table, options);
}

/** Re-infer a table's types from every row (detection already reads every row of a sheet). */
export async function refineWorkbookTable(path: string, spec: FileSpec, tableId: string): Promise<TableSpec> {
  return tableOf(spec, tableId);
}
