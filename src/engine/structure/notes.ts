/**
 * Notes or data. Cover sheets (`Title: | ...`), contents lists and notes pages are context, not
 * tables to load. The rule is narrow on purpose: a block is notes only when it reads as
 * key/value pairs or prose, or sits on a sheet named as notes and holds no numbers. A two-column
 * table or an all-text reference table is data.
 */
import type { SheetView } from './sheet-view.js';

const NOTES_SHEET =
  /^\s*(cover|contents?|table of contents|toc|notes?|about|info(rmation)?|meta ?data|read ?me|definitions?|glossary|index|title|front|intro(duction)?|guidance|methodology|background|key|quality)\b/i;

export function isNotesSheetName(name: string): boolean {
  return NOTES_SHEET.test(name);
}

interface BlockShape {
  readonly headerRows: readonly [number, number] | null;
  readonly dataRows: readonly [number, number];
  readonly columns: readonly number[];
  readonly valueCols: ReadonlyMap<number, unknown>;
}

export function classifyBlock(view: SheetView, block: BlockShape, notesSheet: boolean): 'data' | 'notes' {
  const [d1, d2] = block.dataRows;
  const first = block.columns[0];
  if (first === undefined || d2 < d1) return notesSheet ? 'notes' : 'data';
  const texts: string[] = [];
  let keys = 0;
  let keyed = 0;
  for (let r = block.headerRows?.[0] ?? d1; r <= d2; r++) {
    const key = view.text(r, first);
    if (key) {
      keyed++;
      if (/:\s*$/.test(key)) keys++;
    }
    for (const c of block.columns) {
      const t = view.text(r, c);
      if (t) texts.push(t);
    }
  }
  const keyValue = block.columns.length <= 4 && keyed > 0 && keys / keyed >= 0.6;
  // prose: most cells are sentences (a code | description list still has its short codes)
  const prose = texts.filter((t) => t.length > 80).length >= 0.6 * texts.length;
  const numeric = [...block.valueCols.keys()].some((c) => countValues(view, c, d1, d2) >= 3);
  if (keyValue || prose) return 'notes';
  if (notesSheet && !numeric) return 'notes';
  return 'data';
}

function countValues(view: SheetView, col: number, r1: number, r2: number): number {
  let n = 0;
  for (let r = r1; r <= r2; r++) {
    const k = view.cls(r, col);
    if (k === 'number' || k === 'date' || k === 'bool') n++;
  }
  return n;
}
