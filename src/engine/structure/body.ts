/**
 * The body of a block: which columns hold values (numbers, dates, booleans), whether a row fits
 * them, and the rows inside or under the data that are not data (footers, blanks, repeated headers).
 */
import type { CellClass } from './cell-class.js';
import { isValueClass } from './cell-class.js';
import { MAX_HEADER_ROWS } from './draft.js';
import type { SheetView } from './sheet-view.js';

/**
 * Columns whose body holds numbers, dates or booleans, with the class they hold.
 */
export function bodyValueColumns(
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
export function fitsBody(
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

/** Text in most value columns: a header row, wherever it sits. */
export function isHeaderRow(
  view: SheetView,
  row: number,
  valueCols: ReadonlyMap<number, CellClass>,
): boolean {
  let text = 0;
  for (const c of valueCols.keys()) if (view.cls(row, c) === 'text') text++;
  return text >= Math.max(2, valueCols.size / 2);
}

export function isFooter(
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
export function findSkipRows(
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
