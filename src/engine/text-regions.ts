/**
 * The table regions of a text file's head grid. Until the structure module is wired in, this is
 * a simple reading: preamble rows (narrower than the table) are skipped, the first full-width row
 * is the header when it does not fit the types of the rows below (or, for all-text data, when its
 * cells are non-empty and distinct), trailing narrow rows are footers.
 */
import { cellAt, type Grid, type TableRegion } from './grid.js';
import { ColumnStats, decideColumn } from './infer/index.js';

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
  let hasHeader = false;
  if (bottom > top) {
    const body = columns.map(() => new ColumnStats());
    for (let r = top + 1; r <= Math.min(bottom, top + 500); r++) {
      columns.forEach((c, j) => body[j]!.observeText(cellAt(grid, r, c).text));
    }
    const bodyTypes = body.map((s) => decideColumn(s).type);
    const typedMismatch = bodyTypes.some(
      (t, j) => t !== 'text' && header[j] !== '' && !headerFitsType(header[j]!, t),
    );
    const allText = bodyTypes.every((t) => t === 'text');
    const distinctNonEmpty =
      new Set(header).size === header.length && header.every((h) => h !== '' && !/^-?[\d.,]+$/.test(h));
    hasHeader = typedMismatch || (allText && distinctNonEmpty);
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
      dataRows: [firstData, Math.max(firstData, bottom)],
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
  const t = decideColumn(s).type;
  if (t === type) return true;
  const numeric = ['integer', 'bigint', 'numeric', 'double precision'];
  if (numeric.includes(type) && numeric.includes(t)) return true;
  return type === 'timestamp' && t === 'date';
}

/** The regions of a text grid (see module comment). */
export function findRegions(grid: Grid): TableRegion[] {
  return simpleRegions(grid);
}
