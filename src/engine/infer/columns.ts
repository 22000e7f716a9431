/** Type inference over a table's rows of cells (text files and workbooks alike). */
import type { Cell } from '../grid.js';
import { ColumnStats, decideColumn, type ColumnGuess } from './column.js';
import { isExcelDateFormat, excelSerialToIso } from './excel.js';

/** Feed one cell to a column's stats, using native workbook values where the cell has them. */
export function observeCell(stats: ColumnStats, cell: Cell | undefined, date1904 = false): void {
  if (!cell || cell.kind === 'empty') return stats.observeText('');
  switch (cell.kind) {
    case 'string':
      return stats.observeText(cell.text);
    case 'error':
      return stats.observeNull();
    case 'boolean':
      return stats.observeNative(Boolean(cell.value), cell.text, 'boolean');
    case 'date':
      return stats.observeNative(String(cell.value ?? cell.text), cell.text, 'date');
    case 'number': {
      if (typeof cell.value !== 'number') return stats.observeText(cell.text);
      if (cell.numFmt && isExcelDateFormat(cell.numFmt)) {
        return stats.observeNative(excelSerialToIso(cell.value, date1904), cell.text, 'date');
      }
      return stats.observeNative(cell.value, cell.text, 'number');
    }
    default: {
      const never: never = cell.kind;
      throw new Error(`unknown cell kind ${String(never)}`);
    }
  }
}

/**
 * Guess each column's type from its cells. `rows[i][j]` is the cell of data row i in column j
 * (already mapped to the table's columns); `headers[j]` names the column in warnings.
 */
export function inferColumns(
  rows: Iterable<readonly (Cell | undefined)[]>,
  headers: readonly string[],
  date1904 = false,
): ColumnGuess[] {
  const stats = headers.map(() => new ColumnStats());
  for (const row of rows) {
    for (let j = 0; j < stats.length; j++) observeCell(stats[j]!, row[j], date1904);
  }
  return stats.map((s, j) => decideColumn(s, headers[j]));
}
