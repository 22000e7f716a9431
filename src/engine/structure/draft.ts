/** What structure detection carries between its phases (see find-tables.ts). */
import type { CellClass } from './cell-class.js';

/** More header rows than this above the data are preamble, not header. */
export const MAX_HEADER_ROWS = 4;

export interface Block {
  readonly rows: readonly number[];
  readonly columns: readonly number[];
  readonly title: string | undefined;
}

export interface Draft {
  headerRows: [number, number] | null;
  dataRows: [number, number];
  columns: number[];
  headers: string[];
  skipRows: number[];
  valueCols: Map<number, CellClass>;
  /** the header was chosen by the all-text test alone (no value column backs it) */
  weakHeader: boolean;
  title: string | undefined;
  confidence: number;
  warnings: string[];
}
