/** Tests that decide whether the top rows of a block are a header. */
import type { CellClass } from './cell-class.js';
import { isValueClass } from './cell-class.js';
import type { SheetView } from './sheet-view.js';

/**
 * A first row whose values are two or more distinct years (1900-2100) over value columns whose
 * body is not years: a header of years, not data.
 */
export function isYearHeader(
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

/**
 * All-text block: the first row is a header when none of its cells is a value, none repeats a
 * value of its column below, and it fills the columns the body fills.
 */
export function looksLikeHeader(view: SheetView, rows: readonly number[], cols: readonly number[]): boolean {
  const [first, ...body] = rows;
  if (first === undefined) return false;
  if (!body.length) return cols.every((c) => view.cls(first, c) === 'text' || !view.occupied(first, c));
  let filled = 0;
  // the same row again further down is the header repeated (a page break in an export), not data:
  // it does not count against the header
  const same = (r: number) => cols.every((c) => view.text(r, c) === view.text(first, c));
  const sample = body.slice(0, 1000).filter((r) => !same(r));
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
export function verticalHeaderEnd(view: SheetView, row: number, cols: readonly number[]): number {
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

export function hasSpanningMerge(view: SheetView, row: number, cols: readonly number[]): boolean {
  return cols.some((c) => {
    const m = view.mergeAt(row, c);
    return !!m && m.r1 === row && m.r2 === row && m.c2 > m.c1;
  });
}
