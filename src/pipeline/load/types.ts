import type { FileSpec, Period, TableSpec } from '../../engine/table-spec.js';
import type { Row } from '../../engine/api.js';
import type { LoadMode } from '../../lifecycle/registry.js';
import type { Config } from '../../storage/config.js';
import type { GateResult, GateStatus } from '../validate/index.js';
import type { Widening } from './plan.js';
import type { RawCsv } from './raw-path.js';

export type { LoadMode };

/** Progress of the COPY: rows so far, and the table's row count when the spec knows it. */
export type ProgressListener = (rows: number, expected: number | null) => void;

/** Where a file came from and what it is, as far as the loader needs to know. */
export interface LoadedFile {
  /** the path or URL the user gave */
  readonly reference: string;
  /** the file name recorded in `_source_file` (URL file name, not the cache path) */
  readonly name: string;
  /**
   * the content's SHA-256 when known before its rows are read (a workbook's detection, the
   * download cache); null for delimited text, which the load hashes as it copies (content-hash.ts)
   */
  readonly sha256: string | null;
  readonly bytes: number;
  /** the file on disk, hashed by a pass of its own when the hash is needed before it is read */
  readonly path?: string;
}

/** What the loader needs from the engine for one table of one file. */
export interface TableSource {
  readonly file: LoadedFile;
  readonly spec: FileSpec;
  readonly table: TableSpec;
  /** typed rows of `table` (a refined spec after a misfit), in batches */
  readonly read: (table: TableSpec, signal: AbortSignal | undefined) => AsyncIterable<readonly Row[]>;
  /** the table's column types from every row */
  readonly refine: () => Promise<TableSpec>;
  /** the file itself, when it is delimited text PostgreSQL may parse directly (raw-path.ts) */
  readonly raw?: RawCsv;
}

export interface LoadTableOptions {
  readonly sourceCode: string;
  /** load an unregistered source into staging_test */
  readonly test?: boolean;
  readonly mode?: LoadMode;
  /** overrides the period detected from the file */
  readonly period?: Period | null;
  /** enforce validation: a failing gate rolls back (also when the source requires validation) */
  readonly validate?: boolean;
  /** load even when this content was loaded before for this source and period */
  readonly force?: boolean;
  readonly config: Config;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  readonly user: string;
  /** when the work began (ms since epoch), so durations include fetching and detection */
  readonly startedAt?: number;
  /** today's date (ISO) for date-range checks; defaults to the database's current_date */
  readonly today?: string;
}

export interface LoadTimings {
  readonly prepareMs: number;
  readonly writeMs: number;
  readonly checksMs: number;
  readonly commitMs: number;
}

export type LoadStatus = 'completed' | 'skipped' | 'rolled_back';

export interface LoadResult {
  readonly status: LoadStatus;
  readonly loadId: string;
  readonly sourceCode: string;
  readonly test: boolean;
  readonly schema: string;
  readonly table: string;
  readonly file: string;
  readonly tableId: string;
  readonly period: Period | null;
  readonly mode: LoadMode;
  /** true when this load created the table */
  readonly created: boolean;
  readonly rowsLoaded: number;
  readonly sourceRows: number | null;
  readonly rowsSuppressed: number;
  readonly rowsDeleted: number;
  readonly columns: number;
  readonly columnsAdded: readonly string[];
  readonly columnsWidened: readonly Widening[];
  /** new columns not loaded: waiting for review (see schemaChangeId) */
  readonly columnsPending: readonly string[];
  readonly columnsRejected: readonly string[];
  readonly columnsMissing: readonly string[];
  readonly schemaChangeId: string | null;
  /** the types needed a second, full pass over the file */
  readonly refined: boolean;
  /** how the rows went in: PostgreSQL parsing the CSV itself, or datawarp's typed reader */
  readonly readPath: 'raw' | 'typed' | null;
  readonly validation: readonly GateResult[];
  readonly validationStatus: GateStatus | null;
  readonly validationEnforced: boolean;
  readonly durationMs: number;
  /** where `durationMs` went (ms): fetch, detection and connecting; rows in (DDL, deletes, COPY,
   *  index); gates and audit rows; commit. Zero for a phase the load did not reach. */
  readonly timings: LoadTimings;
  /** plain sentences for the summary (skips, holds, warnings) */
  readonly notes: readonly string[];
}
