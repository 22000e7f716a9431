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
 *    top of the sheet) from the table above; a label column with no header at all takes the
 *    header of a column elsewhere on the sheet holding the same labels.
 * 6. classify: cover / contents / notes blocks become `notes`; a rectangular table never does
 *    just for being narrow or all text.
 */
import type { Grid, TableRegion } from '../grid.js';
import type { Draft } from './draft.js';
import { classify } from './regions.js';
import { findSheetTitle, splitRuns, trimRun } from './runs.js';
import { shapeBlock } from './shape-block.js';
import { SheetView } from './sheet-view.js';
import { splitColumns } from './side-by-side.js';
import { continues, extend, inheritHeaders, nameBlankLabels } from './stack.js';

/**
 * The tables of one grid (a sheet, or a text file's head sample), top to bottom and left to right.
 * Pure: reads the grid only, never throws; an empty grid gives no tables, a grid of prose one
 * `notes` region.
 */
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
      if (above) extend(above, draft);
      else {
        inheritHeaders(drafts, draft);
        draft.title = draft.title && draft.title.length > 12 ? draft.title : (sheetTitle ?? draft.title);
        drafts.push(draft);
      }
    }
  }
  // a lone one-row block of one or two cells (a key/value line) beside real tables is not a table
  const sized = drafts.filter((d) => rowSpan(d) > 1 || d.columns.length >= 3);
  nameBlankLabels(view, sized);
  return classify(view, sized.length ? sized : drafts);
}

function rowSpan(d: Draft): number {
  return d.dataRows[1] - (d.headerRows?.[0] ?? d.dataRows[0]) + 1;
}
