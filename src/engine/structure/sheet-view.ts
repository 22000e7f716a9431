/**
 * A read-only view of a grid for structure detection: each cell's coarse class, which cells are
 * notes (ignored when measuring a row), and the merge covering a cell.
 */
import type { Cell, CellRange, Grid } from '../grid.js';
import { cellAt } from '../grid.js';
import type { CellClass } from './cell-class.js';
import { classifyCell, isNoteText } from './cell-class.js';

export class SheetView {
  readonly height: number;
  readonly width: number;
  /** class per cell, note cells as 'empty' */
  private readonly classes: CellClass[][];
  /** cells whose text is prose: notes, unless they head a column */
  private readonly notes: boolean[][];
  private readonly merges: readonly CellRange[];
  /** merges by the rows they cover, so lookups stay cheap on sheets with thousands of merges */
  private readonly mergesByRow = new Map<number, CellRange[]>();

  constructor(readonly grid: Grid) {
    this.height = grid.rows.length;
    this.width = grid.rows.reduce((w, r) => Math.max(w, r.length), 0);
    this.merges = grid.merges ?? [];
    for (const m of this.merges) {
      for (let r = m.r1; r <= Math.min(m.r2, this.height - 1); r++) {
        const list = this.mergesByRow.get(r);
        if (list) list.push(m);
        else this.mergesByRow.set(r, [m]);
      }
    }
    this.notes = grid.rows.map((row) => Array.from(row, (cell) => isNoteCell(cell)));
    this.classes = grid.rows.map((row, r) =>
      Array.from(row, (cell, c) => (this.notes[r]![c] ? 'empty' : classifyCell(cell))),
    );
    // A long text over several lines is a note when it stands apart. A header written over
    // several lines (a long question with line breaks) sits in a row beside other cells, over a
    // column that holds values: it heads that column. `Notes:` and `Source:` stay notes anywhere.
    const broken = grid.rows.map((row, r) =>
      Array.from(row, (cell, c) => this.notes[r]![c]! && !isNoteText(oneLine(cell!.text))),
    );
    const heads = broken.map((row, r) =>
      row.map((b, c) => {
        if (!b) return false;
        // beside other headers (filled cells, or long headers like this one) ...
        const beside = row.filter((x, j) => j !== c && (x || this.classes[r]![j] !== 'empty')).length;
        // ... over a cell of the column's first row below
        const below = this.classes[r + 1]?.[c];
        return beside >= 1 && below !== undefined && below !== 'empty';
      }),
    );
    heads.forEach((row, r) =>
      row.forEach((head, c) => {
        if (!head) return;
        this.notes[r]![c] = false;
        this.classes[r]![c] = classifyCell(grid.rows[r]![c]);
      }),
    );
  }

  cls(row: number, col: number): CellClass {
    return this.classes[row]?.[col] ?? 'empty';
  }

  text(row: number, col: number): string {
    return cellAt(this.grid, row, col).text.trim();
  }

  /** the raw text even when the cell is a note */
  rawText(row: number, col: number): string {
    return cellAt(this.grid, row, col).text.trim();
  }

  occupied(row: number, col: number): boolean {
    return this.cls(row, col) !== 'empty';
  }

  /** occupied columns of a row, within [c1, c2] when given */
  occupiedCols(row: number, c1 = 0, c2 = this.width - 1): number[] {
    const out: number[] = [];
    const cls = this.classes[row] ?? [];
    const end = Math.min(c2, cls.length - 1);
    for (let c = c1; c <= end; c++) if (cls[c] !== 'empty') out.push(c);
    return out;
  }

  isBlank(row: number, c1 = 0, c2 = this.width - 1): boolean {
    return this.occupiedCols(row, c1, c2).length === 0;
  }

  /** true when a cell merged down from a row above covers this row */
  underVerticalMerge(row: number): boolean {
    return (this.mergesByRow.get(row) ?? []).some((m) => m.r1 < row && this.occupied(m.r1, m.c1));
  }

  /** the merge whose area holds (row, col), if any */
  mergeAt(row: number, col: number): CellRange | undefined {
    for (const m of this.mergesByRow.get(row) ?? []) {
      if (col >= m.c1 && col <= m.c2) return m;
    }
    return undefined;
  }

  /** true when the row's cell at col is a note (prose), not a value or header */
  isNote(row: number, col: number): boolean {
    return this.notes[row]?.[col] ?? false;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function isNoteCell(cell: Cell | undefined): boolean {
  return !!cell && cell.kind === 'string' && isNoteText(cell.text);
}
