/**
 * The contract between detection (engine/) and everything that loads, exports or reports.
 *
 * Glossary
 * - file spec: what `datawarp detect` says about one file: format, encoding, dialect, period and
 *   the tables found in it. Printed with `--json`, it must be enough to replay the read with
 *   detection off.
 * - table: one rectangular block of data (a CSV, a sheet, or one of several blocks on a sheet).
 * - header rows / data rows: 1-based *physical* positions: line numbers in a text file (a quoted
 *   field spanning lines counts every line), row numbers in a sheet. Inclusive ranges.
 * - column name: the one normalised, quoted-safe PostgreSQL name (engine/naming.ts is the only
 *   place that makes one); header: the original header text, multi-row headers joined with ' - '.
 * - suppressed: cells holding a suppression marker (`*`, `c`, `[x]`, ...) that load as null.
 */

export const PG_TYPES = [
  'boolean',
  'integer',
  'bigint',
  'numeric',
  'double precision',
  'date',
  'timestamp',
  'text',
] as const;
export type PgType = (typeof PG_TYPES)[number];

export const FILE_FORMATS = ['csv', 'xlsx', 'xls', 'ods', 'zip'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const TABLE_KINDS = ['data', 'notes'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

export interface Dialect {
  readonly delimiter: string;
  /** null when fields are never quoted */
  readonly quote: string | null;
  /** null when a quote inside a field is written doubled (RFC 4180) or never occurs */
  readonly escape: string | null;
  readonly lineTerminator: '\n' | '\r\n' | '\r' | 'mixed';
  /** a line starting with this is a comment, not data */
  readonly comment?: string | null;
}

export interface Period {
  /** e.g. `2025-11`, `2025-Q2` (financial-year quarter codes say `FY2025-26-Q2`) */
  readonly code: string;
  /** ISO dates, inclusive */
  readonly start: string;
  readonly end: string;
}

export interface ColumnSpec {
  /** normalised PostgreSQL column name, unique in the table, <= 63 bytes */
  readonly name: string;
  /** original header text (flattened), or `column_N` for headerless data */
  readonly header: string;
  readonly type: PgType;
  readonly nullable: boolean;
  /** count of suppressed cells seen (they load as null) */
  readonly suppressed: number;
  /** 0-based column position in the source row/sheet */
  readonly sourceIndex: number;
  /** how the text was read, when it matters for conversion (e.g. date order `dmy`) */
  readonly format?: ValueFormat;
  readonly examples?: readonly string[];
}

/** Hints that make conversion of a column's text replayable. */
export interface ValueFormat {
  readonly dateOrder?: 'dmy' | 'mdy' | 'ymd';
  readonly datePattern?: string;
  readonly thousands?: string;
  readonly decimal?: string;
  readonly percent?: boolean;
  readonly currency?: string;
}

export interface TableSpec {
  readonly id: string;
  readonly sheet: string | null;
  readonly member: string | null;
  /** suggested table name (lower_snake, dates stripped on token boundaries) */
  readonly name: string;
  readonly kind: TableKind;
  readonly headerRows: readonly [number, number] | null;
  readonly dataRows: readonly [number, number];
  readonly columns: readonly ColumnSpec[];
  readonly rowCount: number;
  /** 0..1 */
  readonly confidence: number;
  readonly warnings: readonly string[];
}

export interface FileSpec {
  readonly file: string;
  readonly format: FileFormat;
  readonly bytes: number;
  /** the content's SHA-256; null when detection was told not to hash (`DetectOptions.hash`) */
  readonly sha256: string | null;
  readonly encoding: string | null;
  /** delimited text only */
  readonly dialect?: Dialect;
  readonly period: Period | null;
  readonly tables: readonly TableSpec[];
}
