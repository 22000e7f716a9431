/**
 * A grid is what structure detection works on: the cells of one sheet, or the first rows of a
 * delimited text file, as rows of cells. Text files give every cell `kind: 'string'`; workbooks
 * give the cell's native kind and number format. Rows and columns are 0-based here; `rowNumbers`
 * maps a grid row back to the 1-based physical row/line the TableSpec reports.
 */

export type CellKind = 'empty' | 'string' | 'number' | 'boolean' | 'date' | 'error';

export interface Cell {
  readonly kind: CellKind;
  /** what a person sees in the file (the formatted text for a workbook cell) */
  readonly text: string;
  /** the native value for number/boolean/date cells (dates as ISO strings, no time zone) */
  readonly value?: number | boolean | string;
  /** Excel/ODS number format, e.g. `mmm-yy`, `0.0%` */
  readonly numFmt?: string;
}

export interface CellRange {
  /** 0-based, inclusive */
  readonly r1: number;
  readonly c1: number;
  readonly r2: number;
  readonly c2: number;
}

export interface Grid {
  /** sparse rows: a missing cell is empty */
  readonly rows: readonly (readonly (Cell | undefined)[])[];
  /** 1-based physical row/line number of each grid row (defaults to index + 1) */
  readonly rowNumbers?: readonly number[];
  readonly merges?: readonly CellRange[];
  /** sheet name, when the grid is a sheet */
  readonly sheet?: string;
  readonly hidden?: boolean;
}

/** One block of data found in a grid. Row/column indexes are 0-based grid positions. */
export interface TableRegion {
  readonly kind: 'data' | 'notes';
  /** header rows, inclusive; null when the block has no header */
  readonly headerRows: readonly [number, number] | null;
  readonly dataRows: readonly [number, number];
  /** grid columns that belong to the table, in order (spacer columns left out) */
  readonly columns: readonly number[];
  /** flattened header text per column (parent and child joined with ' - '); '' when headerless */
  readonly headers: readonly string[];
  /** grid rows inside dataRows that are not data (repeated headers, blank spacer rows, sub-totals) */
  readonly skipRows: readonly number[];
  /** title text above the table, when there is one (used for naming and periods) */
  readonly title?: string;
  readonly confidence: number;
  readonly warnings: readonly string[];
}

export const EMPTY_CELL: Cell = { kind: 'empty', text: '' };

export function cellAt(grid: Grid, row: number, col: number): Cell {
  return grid.rows[row]?.[col] ?? EMPTY_CELL;
}

export function rowNumber(grid: Grid, row: number): number {
  return grid.rowNumbers?.[row] ?? row + 1;
}
