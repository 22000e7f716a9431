import type { FileSpec, TableSpec } from '../../engine/table-spec.js';
import type { TrackingRow } from '../../warehouse/queries/watch-tracking.js';
import type { TableChoice } from './table-match.js';

/**
 * Review mode: what the watcher proposes for a file (stored in the tracking row), and what a
 * reviewer may change with `watch approve ID --table ... --header-row ...`.
 */

export interface ProposedSettings {
  readonly file: string;
  readonly schema: string;
  readonly table: string;
  /** why that table: its own name, a >= 70 % column match, or a new table */
  readonly table_choice: TableChoice;
  readonly load_type: string;
  readonly format: string;
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly sheet: string | null;
  readonly table_id: string;
  readonly header_rows: readonly [number, number] | null;
  readonly data_rows: readonly [number, number];
  readonly row_count: number;
  readonly columns: readonly { name: string; header: string; type: string }[];
  readonly warnings: readonly string[];
}

export interface ReviewChanges {
  /** load into this table instead of the proposed one */
  readonly table?: string;
  readonly schema?: string;
  readonly sheet?: string;
  /** 1-based row (line) holding the header */
  readonly headerRow?: number;
  readonly headerless?: boolean;
  readonly tableId?: string;
}

export function proposeSettings(
  row: TrackingRow,
  spec: FileSpec,
  table: TableSpec,
  schema: string,
  choice: TableChoice,
): ProposedSettings {
  return {
    file: row.file_name,
    schema,
    table: choice.table,
    table_choice: choice,
    load_type: row.load_type,
    format: spec.format,
    encoding: spec.encoding,
    delimiter: spec.dialect?.delimiter ?? null,
    sheet: table.sheet,
    table_id: table.id,
    header_rows: table.headerRows,
    data_rows: table.dataRows,
    row_count: table.rowCount,
    columns: table.columns.map((c) => ({ name: c.name, header: c.header, type: c.type })),
    warnings: table.warnings,
  };
}
