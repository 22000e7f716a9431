/**
 * Header rows to one text per column. A multi-row header is flattened top to bottom, joining
 * parent and child with ' - '; a merged parent (a date spanning three measures) is spread over
 * the columns it covers. A merge anchored outside the table (a notes cell merged across the label
 * columns) is not spread: its text is a note, not a column name.
 */
import { excelFormatHasDay } from '../infer/excel.js';
import type { SheetView } from './sheet-view.js';

export function flattenHeaders(
  view: SheetView,
  headerRows: readonly [number, number],
  columns: readonly number[],
): string[] {
  const [h1, h2] = headerRows;
  const inTable = new Set(columns);
  const hasMerges = (view.grid.merges?.length ?? 0) > 0;
  const parts: string[][] = columns.map(() => []);
  for (let r = h1; r <= h2; r++) {
    // Text grids have no merges: a parent row written once over its group (`2023,,,2024,,`)
    // is spread to the right until the next parent, like a merge would be.
    const spread = !hasMerges && r < h2;
    let carried = '';
    columns.forEach((c, i) => {
      let text = headerText(view, r, c, inTable);
      if (spread) {
        if (text) carried = text;
        else if (carried && !view.occupied(r, c)) text = carried;
      }
      const list = parts[i]!;
      if (text && list[list.length - 1] !== text) list.push(text);
    });
  }
  return parts.map((p) => p.join(' - '));
}

function headerText(view: SheetView, row: number, col: number, inTable: Set<number>): string {
  if (view.isNote(row, col)) return '';
  const own = cellHeader(view, row, col);
  if (own) return own;
  const merge = view.mergeAt(row, col);
  if (!merge || !inTable.has(merge.c1)) return '';
  if (view.isNote(merge.r1, merge.c1)) return '';
  return cellHeader(view, merge.r1, merge.c1);
}

/**
 * A date cell heading a column reads as an ISO date: Excel shows short dates in the reader's
 * locale (`9/1/23` or `01/09/2023` for the same cell), a name must not depend on that.
 */
function cellHeader(view: SheetView, row: number, col: number): string {
  const cell = view.grid.rows[row]?.[col];
  if (cell?.kind === 'date' && typeof cell.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(cell.value)) {
    // `mmm-yy` shows a month: the name says the month, not its first day
    return cell.numFmt && !excelFormatHasDay(cell.numFmt) ? cell.value.slice(0, 7) : cell.value;
  }
  return clean(view.text(row, col));
}

/** Line breaks inside a header cell (`Partner\nOrganisation\nCode`) read as spaces. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
