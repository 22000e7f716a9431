/** Phases 1-2 of findTables: runs of rows between blank rows, with titles and footers trimmed. */
import type { SheetView } from './sheet-view.js';

/** The sheet's title: the first sizeable one-cell text above the first wide row. */
export function findSheetTitle(view: SheetView): string | undefined {
  for (let r = 0; r < view.height; r++) {
    const texts = (view.grid.rows[r] ?? []).filter((c) => c && c.text.trim()).map((c) => c!.text.trim());
    if (texts.length >= 2 && view.occupiedCols(r).length >= 2) return undefined;
    const [t] = texts;
    if (texts.length === 1 && t && t.length > 12 && !/^(contents|notes?\b)/i.test(t)) return t;
  }
  return undefined;
}

/** Phase 1: maximal runs of non-blank rows. */
export function splitRuns(view: SheetView): number[][] {
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
export function trimRun(
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
