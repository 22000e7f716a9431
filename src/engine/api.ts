/**
 * The engine's public surface (re-exported by engine/index.ts). Other layers call only these.
 * Everything here reads the given file and nothing else: no database, no network.
 */
import type { FileSpec, TableSpec } from './table-spec.js';

export interface DetectOptions {
  /** only this sheet (by name, or 1-based position as a string) */
  readonly sheet?: string;
  /** treat the data as having no header row; columns are named `column_1..n` or `columnNames` */
  readonly headerless?: boolean;
  readonly columnNames?: readonly string[];
  /** the name to use for table names and periods when the path is a cache file (e.g. the URL's file name) */
  readonly displayName?: string;
  /** the URL the file came from, also searched for a period */
  readonly url?: string;
  /**
   * false: skip the SHA-256 of delimited text (`FileSpec.sha256` is then null), for a caller
   * that reads every byte anyway and hashes them as it goes (a load, as it copies)
   */
  readonly hash?: boolean;
}

/** A data row of one table: one entry per `TableSpec.columns`, in that order. */
export type Row = readonly (string | null)[];

export interface ReadOptions {
  /**
   * 'display': values as a person sees them in the file (extract's default).
   * 'typed': normalised for PostgreSQL (ISO dates, plain numbers, `t`/`f`, null for empty and
   * suppressed cells); a value that does not fit its column's type throws `TypeMisfit`.
   */
  readonly values: 'display' | 'typed';
  readonly signal?: AbortSignal;
}

/** A typed read met a value its column's type cannot hold; the loader widens and retries. */
export class TypeMisfit extends Error {
  constructor(
    readonly column: string,
    readonly value: string,
    readonly row: number,
  ) {
    super(
      `value ${JSON.stringify(value.slice(0, 40))} in column ${column} (row ${row}) does not fit its type`,
    );
    this.name = 'TypeMisfit';
  }
}

/** Detect the tables of a file (sniff + infer on a bounded sample). */
export type DetectFile = (path: string, options?: DetectOptions) => Promise<FileSpec>;
/** Stream the data rows of one table of a detected file. */
export type ReadTable = (
  path: string,
  spec: FileSpec,
  tableId: string,
  options: ReadOptions,
) => AsyncIterable<Row>;
/** Re-infer a table's column types from every row (not a sample), for exact loads. */
export type RefineTable = (path: string, spec: FileSpec, tableId: string) => Promise<TableSpec>;
