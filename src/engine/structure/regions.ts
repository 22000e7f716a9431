/** Phase 6 of findTables: notes or data, and the TableRegions handed back. */
import type { TableRegion } from '../grid.js';
import type { Draft } from './draft.js';
import { classifyBlock, isNotesSheetName } from './notes.js';
import type { SheetView } from './sheet-view.js';

/** Phase 6: notes or data, and the output shape. */
export function classify(view: SheetView, drafts: readonly Draft[]): TableRegion[] {
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
