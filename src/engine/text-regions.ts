/**
 * The table regions of a text file's head grid. The structure finder (structure/) decides the
 * rows: titles, header rows, stacked blocks, footers. Text then needs three adjustments:
 * - every field of a record belongs to the table (a column empty in the sample may hold data
 *   further down), so spacer-column and side-by-side splits are undone;
 * - DuckDB's header rule applies where the finder saw no header, or a header narrower than the
 *   table: a row is the header when it does not fit the types of the rows below it, or when it
 *   is a header of years over columns of counts (header-rule.ts);
 * - when the finder finds nothing, a simple reading: preamble rows narrower than the table are
 *   skipped, the first full-width row is the header when it does not fit the rows below (or, for
 *   all-text data, when its cells are non-empty and distinct), trailing narrow rows are footers.
 */
import { cellAt, type Grid, type TableRegion } from './grid.js';
import { isPeriodHeader } from './header-rule.js';
import { ColumnStats, decideColumn } from './infer/index.js';
import { findTables } from './structure/index.js';

function filled(grid: Grid, r: number): number {
  let n = 0;
  for (const c of grid.rows[r] ?? []) if (c && c.text.trim() !== '') n++;
  return n;
}

function modalWidth(grid: Grid): number {
  const counts = new Map<number, number>();
  for (const row of grid.rows) {
    const w = row.length;
    // one-field rows are titles and notes unless the whole text is one column
    if (w > 1) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  if (counts.size === 0) return grid.rows.some((r) => r.length > 0) ? 1 : 0;
  let best = 0;
  let bestCount = 0;
  for (const [w, c] of counts) if (c > bestCount || (c === bestCount && w > best)) [best, bestCount] = [w, c];
  return best;
}

export function simpleRegions(grid: Grid): TableRegion[] {
  const n = grid.rows.length;
  const width = modalWidth(grid);
  if (n === 0 || width === 0) return [];
  const narrow = (r: number): boolean =>
    width >= 3 && (filled(grid, r) <= 1 || (grid.rows[r]?.length ?? 0) < width / 2);
  let top = 0;
  while (top < n && (filled(grid, top) === 0 || narrow(top))) top++;
  if (top >= n) top = 0;
  let bottom = n - 1;
  while (bottom > top && (filled(grid, bottom) === 0 || narrow(bottom))) bottom--;
  const columns = Array.from({ length: width }, (_, j) => j);
  const header = columns.map((c) => cellAt(grid, top, c).text.trim());
  // a single row of distinct words is a header over no data (a header-only export)
  let hasHeader =
    bottom === top &&
    header.every((h) => h !== '' && !/^[-+]?[\d.,]+$/.test(h)) &&
    new Set(header).size === header.length;
  if (bottom > top) {
    const body = columns.map(() => new ColumnStats());
    const texts: string[][] = columns.map(() => []);
    for (let r = top + 1; r <= Math.min(bottom, top + 500); r++) {
      columns.forEach((c, j) => {
        const text = cellAt(grid, r, c).text;
        body[j]!.observeText(text);
        texts[j]!.push(text);
      });
    }
    const bodyTypes = body.map((s) => decideColumn(s).type);
    const typedMismatch = bodyTypes.some(
      (t, j) => t !== 'text' && header[j] !== '' && !headerFitsType(header[j]!, t),
    );
    const allText = bodyTypes.every((t) => t === 'text');
    const distinctNonEmpty =
      new Set(header).size === header.length && header.every((h) => h !== '' && !/^-?[\d.,]+$/.test(h));
    hasHeader = typedMismatch || (allText && distinctNonEmpty) || isPeriodHeader(header, texts);
  }
  const headers = hasHeader ? header : columns.map(() => '');
  const skipRows: number[] = [];
  for (let r = top + 1; r <= bottom; r++) if (filled(grid, r) === 0) skipRows.push(r);
  const firstData = hasHeader ? top + 1 : top;
  let title: string | undefined;
  for (let r = 0; r < top && title === undefined; r++) {
    const cell = grid.rows[r]?.find((c) => c && c.text.trim() !== '');
    if (cell) title = cell.text.trim();
  }
  return [
    {
      kind: 'data',
      headerRows: hasHeader ? [top, top] : null,
      dataRows: [firstData, Math.max(firstData - 1, bottom)],
      columns,
      headers,
      skipRows,
      ...(title ? { title } : {}),
      confidence: 0.8,
      warnings: [],
    },
  ];
}

function headerFitsType(text: string, type: string): boolean {
  const s = new ColumnStats();
  s.observeText(text);
  // a suppression marker or null spelling fits any typed column: it says nothing about a header
  if (s.values === 0) return true;
  const t = decideColumn(s).type;
  if (t === type) return true;
  const numeric = ['integer', 'bigint', 'numeric', 'double precision'];
  if (numeric.includes(type) && numeric.includes(t)) return true;
  return type === 'timestamp' && t === 'date';
}

/**
 * In a text file every field of a record belongs to the table: a column that is empty in the
 * sample may hold data further down, so the structure finder's spacer-column and side-by-side
 * splits are undone. Its row structure (titles, header rows, stacked blocks, footers) is kept.
 */
function widenForText(grid: Grid, regions: readonly TableRegion[]): TableRegion[] {
  const merged: TableRegion[] = [];
  for (const r of [...regions].sort((a, b) => a.dataRows[0] - b.dataRows[0])) {
    const prev = merged[merged.length - 1];
    // side by side: the same rows, split at an empty column
    if (prev && r.dataRows[0] <= prev.dataRows[1] && r.dataRows[1] >= prev.dataRows[0]) continue;
    merged.push(r);
  }
  return merged.map((r) => {
    const first = r.headerRows?.[0] ?? r.dataRows[0];
    const widths = new Map<number, number>();
    for (let row = r.dataRows[0]; row <= r.dataRows[1]; row++) {
      const w = grid.rows[row]?.length ?? 0;
      if (w > 0) widths.set(w, (widths.get(w) ?? 0) + 1);
    }
    let width = 0;
    let best = 0;
    for (const [w, c] of widths) if (c > best || (c === best && w > width)) [width, best] = [w, c];
    for (let row = first; row < r.dataRows[0]; row++) width = Math.max(width, grid.rows[row]?.length ?? 0);
    // a column the finder saw with header text is kept even in a ragged file
    for (let j = 0; j < r.columns.length; j++) if (r.headers[j]) width = Math.max(width, r.columns[j]! + 1);
    const known = new Map(r.columns.map((c, j) => [c, r.headers[j] ?? '']));
    const columns = Array.from({ length: width }, (_, c) => c);
    const headers = columns.map((c) => {
      if (known.has(c)) return known.get(c)!;
      if (!r.headerRows) return '';
      const parts: string[] = [];
      for (let row = r.headerRows[0]; row <= r.headerRows[1]; row++) {
        const t = cellAt(grid, row, c).text.trim();
        if (t) parts.push(t);
      }
      return parts.join(' - ');
    });
    return { ...r, columns, headers };
  });
}

function isBlankRow(grid: Grid, row: number): boolean {
  return (grid.rows[row] ?? []).every((c) => !c || c.text.trim() === '');
}

/** Whether `row` reads as a header over the body rows `from..to`: it does not fit their types. */
function headerOverBody(
  grid: Grid,
  columns: readonly number[],
  row: number,
  from: number,
  to: number,
): string[] | null {
  const header = columns.map((c) => cellAt(grid, row, c).text.trim());
  // a header names (almost) every column, each differently; a trailing delimiter may leave one empty
  const named = header.filter((h) => h !== '');
  if (named.length < header.length - 1 || named.length < 2 || new Set(named).size !== named.length)
    return null;
  const body = columns.map(() => new ColumnStats());
  const texts: string[][] = columns.map(() => []);
  for (let r = from; r <= Math.min(to, from + 500); r++) {
    columns.forEach((c, j) => {
      const text = cellAt(grid, r, c).text;
      body[j]!.observeText(text);
      texts[j]!.push(text);
    });
  }
  const types = body.map((s) => decideColumn(s).type);
  const misfit = types.some((t, j) => t !== 'text' && header[j] !== '' && !headerFitsType(header[j]!, t));
  return misfit || isPeriodHeader(header, texts) ? header : null;
}

/**
 * DuckDB's header rule, applied where the structure finder saw no header: the first row is the
 * header when it does not fit the types of the rows below, also when blank lines separate them
 * (`id,name` / `` / `1,Ann`).
 */
function recoverHeader(grid: Grid, r: TableRegion, taken: Set<number>): TableRegion {
  const [first, last] = r.dataRows;
  let next = first + 1;
  while (next <= last && isBlankRow(grid, next)) next++;
  if (r.headerRows) {
    // a header narrower than the table (`more notes,...` over `number,text,date`, or key/value
    // lines above an export) is preamble when one of the next rows is a full header that the
    // rows below it do not fit
    const filled = r.columns.filter((c) => cellAt(grid, r.headerRows![1], c).text.trim() !== '').length;
    if (r.headerRows[0] !== r.headerRows[1] || filled >= r.columns.length) return r;
    for (let row = first, k = 0; row < last && k < 4; row++) {
      if (isBlankRow(grid, row)) continue;
      k++;
      let body = row + 1;
      while (body <= last && isBlankRow(grid, body)) body++;
      if (body > last) break;
      const own = headerOverBody(grid, r.columns, row, body, last);
      if (own) return { ...r, headerRows: [row, row], dataRows: [body, last], headers: own };
    }
    return r;
  }
  if (next <= last) {
    const own = headerOverBody(grid, r.columns, first, next, last);
    if (own) return { ...r, headerRows: [first, first], dataRows: [next, last], headers: own };
  }
  let above = first - 1;
  while (above >= 0 && above >= first - 3 && isBlankRow(grid, above)) above--;
  if (above < 0 || above === first - 1 || taken.has(above)) return r;
  const header = headerOverBody(grid, r.columns, above, first, last);
  return header ? { ...r, headerRows: [above, above], headers: header } : r;
}

/** The regions of a text grid: the structure finder's, or the simple reading when it finds none. */
export function findRegions(grid: Grid): TableRegion[] {
  const found = findTables(grid);
  if (found.length === 0) return simpleRegions(grid);
  const taken = new Set<number>();
  for (const r of found) {
    for (let row = r.headerRows?.[0] ?? r.dataRows[0]; row <= r.dataRows[1]; row++) taken.add(row);
  }
  return widenForText(grid, found).map((r) => recoverHeader(grid, r, taken));
}
