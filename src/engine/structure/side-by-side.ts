/** Phase 3 of findTables: tables side by side, split at empty columns that are not spacers. */
import type { SheetView } from './sheet-view.js';

/** Phase 3: column groups of a run; empty columns split tables only when each side stands alone. */
export function splitColumns(view: SheetView, rows: readonly number[]): number[][] {
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
