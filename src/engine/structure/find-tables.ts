/**
 * findTables: the blocks of data in one grid (a sheet, or a text file's sample).
 *
 * Phases, each below in its own function:
 * 1. runs: split the rows at blank rows.
 * 2. trim: leading one-cell rows are titles / "Contents" links, trailing ones are footers.
 * 3. side by side: split a run at empty columns when the right part stands alone (it has its own
 *    label column); otherwise the empty columns are spacers inside one table.
 * 4. shape: per block, the columns' body classes say where the data starts; the rows above are
 *    the header (several rows: flattened), none means headerless.
 * 5. stack: a headerless block under a table with the same columns continues it; a block with
 *    its own header is a new table and inherits header text it lacks (the measure headers at the
 *    top of the sheet) from the table above.
 * 6. classify: cover / contents / notes blocks become `notes`; a rectangular table never does
 *    just for being narrow or all text.
 */
import type { Grid, TableRegion } from '../grid.js';
import type { CellClass } from './cell-class.js';
import { isValueClass } from './cell-class.js';
import { flattenHeaders } from './headers.js';
import { classifyBlock, isNotesSheetName } from './notes.js';
import { SheetView } from './sheet-view.js';

/** More header rows than this above the data are preamble, not header. */
const MAX_HEADER_ROWS = 4;

interface Block {
  readonly rows: readonly number[];
  readonly columns: readonly number[];
  readonly title: string | undefined;
}

interface Draft {
  headerRows: [number, number] | null;
  dataRows: [number, number];
  columns: number[];
  headers: string[];
  skipRows: number[];
  valueCols: Map<number, CellClass>;
  /** the header was chosen by the all-text test alone (no value column backs it) */
  weakHeader: boolean;
  title: string | undefined;
  confidence: number;
  warnings: string[];
}

export function findTables(grid: Grid): TableRegion[] {
  const view = new SheetView(grid);
  const drafts: Draft[] = [];
  let sheetTitle = findSheetTitle(view);
  const runs = splitRuns(view);
  const anyWide = runs.some((run) => run.some((r) => view.occupiedCols(r).length >= 2));
  for (const run of runs) {
    const trimmed = trimRun(view, run, anyWide);
    sheetTitle ??= trimmed.title;
    if (!trimmed.rows.length) continue;
    for (const columns of splitColumns(view, trimmed.rows)) {
      const draft = shapeBlock(
        view,
        { rows: trimmed.rows, columns, title: trimmed.title },
        runs.length === 1,
      );
      if (!draft) continue;
      const above = continues(view, drafts, draft);
      if (above) extend(view, above, draft);
      else {
        inheritHeaders(drafts, draft);
        draft.title = draft.title && draft.title.length > 12 ? draft.title : (sheetTitle ?? draft.title);
        drafts.push(draft);
      }
    }
  }
  // a lone one-row block of one or two cells (a key/value line) beside real tables is not a table
  const sized = drafts.filter((d) => rowSpan(d) > 1 || d.columns.length >= 3);
  return classify(view, sized.length ? sized : drafts);
}

function rowSpan(d: Draft): number {
  return d.dataRows[1] - (d.headerRows?.[0] ?? d.dataRows[0]) + 1;
}

/** The sheet's title: the first sizeable one-cell text above the first wide row. */
function findSheetTitle(view: SheetView): string | undefined {
  for (let r = 0; r < view.height; r++) {
    const texts = (view.grid.rows[r] ?? []).filter((c) => c && c.text.trim()).map((c) => c!.text.trim());
    if (texts.length >= 2 && view.occupiedCols(r).length >= 2) return undefined;
    const [t] = texts;
    if (texts.length === 1 && t && t.length > 12 && !/^(contents|notes?\b)/i.test(t)) return t;
  }
  return undefined;
}

/** Phase 1: maximal runs of non-blank rows. */
function splitRuns(view: SheetView): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  for (let r = 0; r < view.height; r++) {
    // a row under vertically merged header cells is part of the header, not a gap
    if (view.isBlank(r) && !view.underVerticalMerge(r)) {
      if (current.length) runs.push(current);
      current = [];
    } else current.push(r);
  }
  if (current.length) runs.push(current);
  return runs;
}

/**
 * Phase 2: one-cell rows at the top of a run are titles or link rows, at the bottom footers —
 * unless the run is one column wide, or the cell is a merged parent header spanning columns of
 * the block below it.
 */
function trimRun(
  view: SheetView,
  run: number[],
  anyWide: boolean,
): { rows: number[]; title: string | undefined } {
  const widths = run.map((r) => view.occupiedCols(r).length);
  const wide = widths.filter((w) => w >= 2).length;
  if (wide === 0) {
    // one-cell rows beside wider tables are titles and notes; alone they are a one-column table
    if (!anyWide) return { rows: run, title: undefined };
    const texts = run.map((r) => view.text(r, view.occupiedCols(r)[0] ?? 0));
    return { rows: [], title: texts.find((t) => t.length > 12 && !/^contents$/i.test(t)) };
  }
  const wideRows = run.filter((_, i) => widths[i]! >= 2);
  const bodyCols = new Set(wideRows.flatMap((r) => view.occupiedCols(r)));
  const isTitleRow = (i: number): boolean => {
    if (widths[i]! >= 2) return false;
    const r = run[i]!;
    const [c] = view.occupiedCols(r);
    if (c === undefined) return true;
    const merge = view.mergeAt(r, c);
    if (!merge || merge.c2 === merge.c1) return true;
    // a merged parent header covers at least two columns that hold data below it, and not the
    // label column: a merge across the whole width, labels included, is a centred title
    let covered = 0;
    for (let k = merge.c1; k <= merge.c2; k++) {
      if (wideRows.some((rr) => rr > merge.r2 && view.occupied(rr, k))) covered++;
    }
    const below = wideRows.filter((rr) => rr > merge.r2);
    const firstCol = Math.min(...below.map((rr) => view.occupiedCols(rr)[0] ?? Infinity));
    const spansLabels = merge.c1 <= firstCol && merge.c2 >= firstCol && merge.c2 > firstCol;
    return covered < 2 || spansLabels;
  };
  let start = 0;
  const titles: string[] = [];
  while (start < run.length && isTitleRow(start)) {
    const [c] = view.occupiedCols(run[start]!);
    if (c !== undefined) titles.push(view.text(run[start]!, c));
    start++;
  }
  let end = run.length - 1;
  while (end >= start && widths[end]! < 2 && bodyCols.size >= 2) end--;
  const title = titles.find((t) => t.length > 12 && !/^contents$/i.test(t)) ?? titles[0];
  return { rows: run.slice(start, end + 1), title };
}

/** Phase 3: column groups of a run; empty columns split tables only when each side stands alone. */
function splitColumns(view: SheetView, rows: readonly number[]): number[][] {
  const used = new Set<number>();
  for (const r of rows) for (const c of view.occupiedCols(r)) used.add(c);
  // a column covered by a merged cell is not a gap between tables
  const inRows = new Set(rows);
  for (const m of view.grid.merges ?? []) {
    if (!inRows.has(m.r1) || !view.occupied(m.r1, m.c1)) continue;
    for (let c = m.c1; c <= m.c2; c++) used.add(c);
  }
  const cols = [...used].sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const c of cols) {
    const last = groups[groups.length - 1];
    if (last && c === last[last.length - 1]! + 1) last.push(c);
    else groups.push([c]);
  }
  const merged: number[][] = [];
  for (const g of groups) {
    const prev = merged[merged.length - 1];
    if (prev && !standsAlone(view, rows, prev, g)) prev.push(...g);
    else merged.push([...g]);
  }
  return merged;
}

function standsAlone(
  view: SheetView,
  rows: readonly number[],
  left: readonly number[],
  right: readonly number[],
): boolean {
  if (left.length < 2 || right.length < 2) return false;
  // a parent header merged across the gap ties both sides into one table
  const gapStart = left[left.length - 1]! + 1;
  for (const r of rows) {
    const m = view.mergeAt(r, gapStart);
    if (m && m.c1 <= left[left.length - 1]! && m.c2 >= right[0]!) return false;
  }
  // the right side has its own label column: mostly text below its first row
  const first = right[0]!;
  const body = rows.slice(1).map((r) => view.cls(r, first));
  const filled = body.filter((c) => c !== 'empty' && c !== 'marker');
  const text = filled.filter((c) => c === 'text').length;
  return filled.length > 0 && text / filled.length >= 0.6;
}

/** Phase 4: header rows, data rows and columns of one block. */
function shapeBlock(view: SheetView, block: Block, alone: boolean): Draft | null {
  const cols = block.columns;
  let rows = block.rows.filter((r) => cols.some((c) => view.occupied(r, c)) || view.underVerticalMerge(r));
  if (!rows.length) return null;
  // a block split off a wider run keeps its own title row (`Table B: Staff` above its header)
  let title = block.title;
  const filledIn = (r: number) => cols.filter((c) => view.occupied(r, c));
  while (
    cols.length >= 3 &&
    rows.length > 2 &&
    filledIn(rows[0]!).length === 1 &&
    filledIn(rows[1]!).length >= 2
  ) {
    const [c] = filledIn(rows[0]!);
    const m = view.mergeAt(rows[0]!, c!);
    if (m && m.r1 === m.r2 && cols.filter((x) => x >= m.c1 && x <= m.c2).length >= 2) break;
    title = view.text(rows[0]!, c!);
    rows = rows.slice(1);
  }
  const valueCols = bodyValueColumns(view, rows, cols);

  let k: number;
  let confidence = 0.9;
  const warnings: string[] = [];
  if (valueCols.size) {
    k = rows.findIndex((r) => fitsBody(view, r, cols, valueCols));
    if (k < 0) k = rows.length;
    // `Area | 2019 | 2020 | 2021` over counts: years as column headers fit the body's type
    if (k === 0 && rows.length > 1 && isYearHeader(view, rows, cols, valueCols)) k = 1;
    // a row of years over a header row (`Area,2023,,2024`) fits the body by itself: the header
    // row right below it says it is a parent header
    for (let j = k + 1; j < Math.min(rows.length, k + MAX_HEADER_ROWS); j++) {
      if (isHeaderRow(view, rows[j]!, valueCols)) k = j + 1;
    }
    while (k < rows.length && !fitsBody(view, rows[k]!, cols, valueCols)) k++;
  } else {
    // a lone text row is a header-only file; beside other blocks it is one more data row
    k = (rows.length > 1 || alone) && looksLikeHeader(view, rows, cols) ? 1 : 0;
    // cells merged down over the next rows make those rows header too (`A1:A2` over a blank row)
    const down = verticalHeaderEnd(view, rows[0]!, cols);
    if (down > rows[0]! && rows.length > 1) {
      k = Math.max(
        1,
        rows.findIndex((r) => r > down),
      );
      if (k <= 0) k = rows.length;
    }
    if (k === 1) {
      // a merged parent over an all-text table: the row under it is a header too
      while (k < Math.min(rows.length - 1, MAX_HEADER_ROWS) && hasSpanningMerge(view, rows[k - 1]!, cols))
        k++;
    }
    confidence = 0.7;
  }
  // more non-data rows than a header has: the earliest are preamble (e.g. `Published: | date`)
  // a one-cell label row under the header (`North` above its trusts) starts the data
  for (let j = 1; j < k && cols.length >= 3; j++) {
    const filled = filledIn(rows[j]!);
    if (filled.length === 1 && filled[0] === cols[0] && !valueCols.has(cols[0]!)) {
      k = j;
      break;
    }
  }
  let h0 = Math.max(0, k - MAX_HEADER_ROWS);
  while (h0 < k - 1 && !isContiguous(rows, h0, k)) h0++;
  if (k === rows.length && rows.length > 1) {
    // nothing fits the body: treat as one header row over text data
    k = 1;
    h0 = 0;
    confidence = 0.5;
    warnings.push('no row looks like data; the first row is taken as the header');
  }

  const dataStart = k < rows.length ? rows[k]! : rows[rows.length - 1]! + 1;
  let last = rows.length - 1;
  // columns the fitting data rows use: a footer form below a table spills into others
  const dataCols = new Set<number>();
  if (valueCols.size) {
    for (const r of rows.slice(k))
      if (fitsBody(view, r, cols, valueCols)) for (const c of cols) if (view.occupied(r, c)) dataCols.add(c);
  }
  while (last > k && isFooter(view, rows[last]!, cols, valueCols, dataCols)) last--;
  const dataEnd = k < rows.length ? rows[last]! : dataStart - 1;
  const headerRows: [number, number] | null = k > 0 ? [rows[h0]!, rows[k - 1]!] : null;

  const columns = cols.filter(
    (c) =>
      rows.some((r) => r >= dataStart && r <= dataEnd && view.occupied(r, c)) ||
      (headerRows !== null && rowsBetween(headerRows).some((r) => view.occupied(r, c))),
  );
  const headers = headerRows ? flattenHeaders(view, headerRows, columns) : columns.map(() => '');
  if (headerRows && headerRows[1] > headerRows[0]) {
    warnings.push(`header over rows ${headerRows[0] + 1}-${headerRows[1] + 1} flattened`);
  }
  const skipRows = findSkipRows(view, [dataStart, dataEnd], columns, headerRows);
  return {
    headerRows,
    dataRows: [dataStart, dataEnd],
    columns,
    headers,
    skipRows,
    valueCols,
    weakHeader: headerRows !== null && valueCols.size === 0,
    title,
    confidence,
    warnings,
  };
}

/**
 * A first row whose values are two or more distinct years (1900-2100) over value columns whose
 * body is not years: a header of years, not data.
 */
function isYearHeader(
  view: SheetView,
  rows: readonly number[],
  cols: readonly number[],
  valueCols: ReadonlyMap<number, CellClass>,
): boolean {
  const year = (r: number, c: number): number | null => {
    const t = view.text(r, c).replace(/\s*\[.*\]$/, '');
    return /^(19|20)\d\d$/.test(t) ? Number(t) : null;
  };
  const [first, ...body] = rows;
  const cells = cols.filter((c) => valueCols.has(c) && view.occupied(first!, c));
  if (cells.length < 2) return false;
  const years = cells.map((c) => year(first!, c));
  if (years.some((y) => y === null) || new Set(years).size !== years.length) return false;
  const sample = body.slice(0, 200);
  let bodyYears = 0;
  let bodyValues = 0;
  for (const c of cells) {
    for (const r of sample) {
      if (!isValueClass(view.cls(r, c))) continue;
      bodyValues++;
      if (year(r, c) !== null) bodyYears++;
    }
  }
  return bodyValues > 0 && bodyYears < bodyValues / 2;
}

/** Text in most value columns: a header row, wherever it sits. */
function isHeaderRow(view: SheetView, row: number, valueCols: ReadonlyMap<number, CellClass>): boolean {
  let text = 0;
  for (const c of valueCols.keys()) if (view.cls(row, c) === 'text') text++;
  return text >= Math.max(2, valueCols.size / 2);
}

function rowsBetween([a, b]: readonly [number, number]): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function isContiguous(rows: readonly number[], from: number, to: number): boolean {
  return rows[to - 1]! - rows[from]! === to - 1 - from;
}

/**
 * Columns whose body holds numbers, dates or booleans, with the class they hold.
 */
function bodyValueColumns(
  view: SheetView,
  rows: readonly number[],
  cols: readonly number[],
): Map<number, CellClass> {
  // skip the rows a header could fill: a second header row must not outvote a short body
  const skip = Math.min(MAX_HEADER_ROWS, Math.max(1, Math.floor(rows.length / 2)));
  const body = rows.length > 1 ? rows.slice(skip) : rows;
  const out = new Map<number, CellClass>();
  for (const c of cols) {
    const counts = new Map<CellClass, number>();
    let filled = 0;
    const first = view.text(rows[0]!, c);
    for (const r of body) {
      const k = view.cls(r, c);
      if (k === 'empty' || k === 'marker') continue;
      if (k === 'text' && first && view.text(r, c) === first) continue; // a repeated header row
      filled++;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['empty', 0];
    if (filled > 0 && isValueClass(top) && n / filled >= 0.7) out.set(c, top);
  }
  return out;
}

/**
 * A data row: its value columns hold values of the body's class (a date over a column of counts is
 * a header), and at least one of them is filled.
 */
function fitsBody(
  view: SheetView,
  row: number,
  cols: readonly number[],
  valueCols: ReadonlyMap<number, CellClass>,
): boolean {
  let values = 0;
  let mismatched = 0;
  for (const c of cols) {
    const want = valueCols.get(c);
    if (!want) continue;
    const k: CellClass = view.cls(row, c);
    if (k === 'text') return false;
    if (k === 'empty') continue;
    values++;
    if (k !== want && k !== 'marker' && !(want === 'number' && k === 'bool')) mismatched++;
  }
  return values > 0 && mismatched <= values / 2;
}

/**
 * All-text block: the first row is a header when none of its cells is a value, none repeats a
 * value of its column below, and it fills the columns the body fills.
 */
function looksLikeHeader(view: SheetView, rows: readonly number[], cols: readonly number[]): boolean {
  const [first, ...body] = rows;
  if (first === undefined) return false;
  if (!body.length) return cols.every((c) => view.cls(first, c) === 'text' || !view.occupied(first, c));
  let filled = 0;
  const sample = body.slice(0, 1000);
  for (const c of cols) {
    const k = view.cls(first, c);
    if (k === 'empty') continue;
    // a one-letter header (`X`, `c`) reads like a suppression marker; it heads a column all the same
    if (k !== 'text' && !(k === 'marker' && /[a-z]/i.test(view.text(first, c)))) return false;
    filled++;
    const text = view.text(first, c);
    if (sample.some((r) => view.text(r, c) === text)) return false;
    // a code shaped like the codes below it (`DIS001_TOTAL` over `DIS001_PHYSIOLOGY`) is data;
    // `col1` over `val1` is a header (lower-case names with a number are how headers look)
    const shape = shapeOf(text);
    if (/A9/.test(shape) && shape === modalShape(view, sample, c)) return false;
  }
  return filled > 0;
}

/** `U16464` → `A9`, `DIS001_TOTAL` → `A9_A`, `Code` → `Aa`. */
function shapeOf(text: string): string {
  return text
    .replace(/[A-Z]/g, 'A')
    .replace(/[a-z]/g, 'a')
    .replace(/[0-9]/g, '9')
    .replace(/(.)\1+/g, '$1');
}

function modalShape(view: SheetView, rows: readonly number[], col: number): string | undefined {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const t = view.text(r, col);
    if (t) counts.set(shapeOf(t), (counts.get(shapeOf(t)) ?? 0) + 1);
  }
  let best: string | undefined;
  let n = 0;
  for (const [shape, count] of counts) if (count > n) [best, n] = [shape, count];
  return best;
}

/** The last row covered by cells of `row` merged downwards, when most of its cells are. */
function verticalHeaderEnd(view: SheetView, row: number, cols: readonly number[]): number {
  const filled = cols.filter((c) => view.occupied(row, c));
  let end = row;
  let merged = 0;
  for (const c of filled) {
    const m = view.mergeAt(row, c);
    if (m && m.r1 === row && m.r2 > row) {
      merged++;
      end = Math.max(end, m.r2);
    }
  }
  return merged * 2 >= filled.length && merged > 0 ? end : row;
}

function hasSpanningMerge(view: SheetView, row: number, cols: readonly number[]): boolean {
  return cols.some((c) => {
    const m = view.mergeAt(row, c);
    return !!m && m.r1 === row && m.r2 === row && m.c2 > m.c1;
  });
}

function isFooter(
  view: SheetView,
  row: number,
  cols: readonly number[],
  valueCols: ReadonlyMap<number, CellClass>,
  dataCols: ReadonlySet<number>,
): boolean {
  const filled = cols.filter((c) => view.occupied(row, c)).length;
  if (cols.length >= 3 && filled <= 1) return true;
  if (!valueCols.size) return false;
  // a sparse row with text where the body has numbers (`Source | NHS`, a form field) ends the
  // data; a sparse row of labels and blanks is data with missing values
  const misfit = [...valueCols.keys()].some((c) => cols.includes(c) && view.cls(row, c) === 'text');
  const elsewhere = cols.some((c) => view.occupied(row, c) && !dataCols.has(c));
  return (misfit || elsewhere) && filled < cols.length / 2;
}

/** Blank rows and repeated header rows inside the data range. */
function findSkipRows(
  view: SheetView,
  [d1, d2]: readonly [number, number],
  columns: readonly number[],
  headerRows: readonly [number, number] | null,
): number[] {
  const skip: number[] = [];
  const header = headerRows ? columns.map((c) => view.text(headerRows[1], c)) : null;
  const headerFilled = header?.filter((t) => t).length ?? 0;
  for (let r = d1; r <= d2; r++) {
    if (columns.every((c) => !view.occupied(r, c))) {
      skip.push(r);
      continue;
    }
    if (header && headerFilled >= 2) {
      const same = columns.filter((c, i) => header[i] && view.text(r, c) === header[i]).length;
      if (same >= Math.ceil(headerFilled * 0.8)) skip.push(r);
    }
  }
  return skip;
}

/** Phase 5: the table directly above that this headerless block continues, if any. */
function continues(view: SheetView, drafts: readonly Draft[], next: Draft): Draft | undefined {
  const prev = drafts[drafts.length - 1];
  if (!prev) return undefined;
  // under a headerless text list, a block's "header" by the text test alone is one more data row
  if (next.headerRows && !(next.weakHeader && !prev.headerRows && !prev.valueCols.size)) return undefined;
  const prevCols = new Set(prev.columns);
  const shared = next.columns.filter((c) => prevCols.has(c)).length;
  if (shared < Math.max(1, next.columns.length * 0.8) || shared < prev.columns.length * 0.5) return undefined;
  // the body types agree: no value column of one holds text in the other
  for (const c of next.columns) {
    if (prev.valueCols.has(c) !== next.valueCols.has(c) && prevCols.has(c)) {
      const r = next.dataRows[0];
      if (view.cls(r, c) === 'text' || prev.valueCols.has(c)) return undefined;
    }
  }
  return prev;
}

function extend(view: SheetView, prev: Draft, next: Draft): void {
  const start = next.headerRows?.[0] ?? next.dataRows[0];
  for (let r = prev.dataRows[1] + 1; r < start; r++) prev.skipRows.push(r);
  prev.skipRows.push(...next.skipRows);
  prev.dataRows = [prev.dataRows[0], next.dataRows[1]];
  for (const c of next.columns) {
    if (!prev.columns.includes(c)) {
      prev.columns.push(c);
      prev.headers.push('');
    }
  }
  const order = prev.columns.map((c, i) => [c, prev.headers[i]!] as const).sort((a, b) => a[0] - b[0]);
  prev.columns = order.map(([c]) => c);
  prev.headers = order.map(([, h]) => h);
  void view;
}

/**
 * A stacked block's own header names only its label columns (`Region | ICB Code | ICB Name`);
 * the measure columns keep the names given at the top of the sheet.
 */
function inheritHeaders(drafts: readonly Draft[], draft: Draft): void {
  if (!draft.headerRows || !drafts.length) return;
  // only a header that names its leading label columns and leaves every column after them blank
  // borrows; a block with its own header keeps an odd blank blank
  const lastNamed = draft.headers.findLastIndex(Boolean);
  const firstBlank = draft.headers.findIndex((h) => !h);
  if (firstBlank < 0 || lastNamed > firstBlank) return;
  let inherited = 0;
  draft.columns.forEach((c, i) => {
    // measures only: a blank over a column of numbers takes the name of the numbers above it
    if (draft.headers[i] || !draft.valueCols.has(c)) return;
    for (const d of drafts) {
      const j = d.columns.indexOf(c);
      if (j >= 0 && d.headers[j] && d.headerRows && d.headerRows[0] < draft.headerRows![0]) {
        draft.headers[i] = d.headers[j]!;
        inherited++;
        return;
      }
    }
  });
  if (inherited) {
    draft.warnings.push(
      `${inherited} column headers taken from the table above (rows share the sheet's header)`,
    );
  }
}

/** Phase 6: notes or data, and the output shape. */
function classify(view: SheetView, drafts: readonly Draft[]): TableRegion[] {
  const notesSheet = view.grid.sheet !== undefined && isNotesSheetName(view.grid.sheet);
  const regions: TableRegion[] = drafts.map((d) => ({
    kind: classifyBlock(view, d, notesSheet),
    headerRows: d.headerRows,
    dataRows: d.dataRows,
    columns: d.columns,
    headers: d.headers,
    skipRows: [...new Set(d.skipRows)].sort((a, b) => a - b),
    ...(d.title !== undefined ? { title: d.title } : {}),
    confidence: d.confidence,
    warnings: d.warnings,
  }));
  if (regions.length && regions.every((r) => r.kind === 'notes')) return [wholeSheetNotes(view, regions)];
  if (!regions.length && view.height && view.width) {
    const rows = Array.from({ length: view.height }, (_, r) => r).filter((r) => !view.isBlank(r));
    if (rows.length) {
      const cols = [...new Set(rows.flatMap((r) => view.occupiedCols(r)))].sort((a, b) => a - b);
      return [notesRegion(rows[0]!, rows[rows.length - 1]!, cols, view)];
    }
  }
  return regions;
}

function wholeSheetNotes(view: SheetView, regions: readonly TableRegion[]): TableRegion {
  const rows = Array.from({ length: view.height }, (_, r) => r).filter((r) => !view.isBlank(r));
  const cols = [...new Set(regions.flatMap((r) => r.columns))].sort((a, b) => a - b);
  const first = Math.min(rows[0] ?? 0, ...regions.map((r) => r.headerRows?.[0] ?? r.dataRows[0]));
  const last = Math.max(rows[rows.length - 1] ?? 0, ...regions.map((r) => r.dataRows[1]));
  return {
    ...notesRegion(first, last, cols, view),
    ...(regions[0]?.title ? { title: regions[0].title } : {}),
  };
}

function notesRegion(first: number, last: number, all: number[], view?: SheetView): TableRegion {
  // a notes sheet can repeat a link across thousands of columns; list the columns that matter
  const columns = view ? all.filter((c) => countFilled(view, c, first, last) >= 2) : all;
  if (!columns.length) columns.push(...all.slice(0, 100));
  return {
    kind: 'notes',
    headerRows: null,
    dataRows: [first, last],
    columns,
    headers: columns.map(() => ''),
    skipRows: [],
    confidence: 0.8,
    warnings: [],
  };
}

function countFilled(view: SheetView, col: number, r1: number, r2: number): number {
  let n = 0;
  for (let r = r1; r <= r2; r++) if (view.occupied(r, col)) n++;
  return n;
}
