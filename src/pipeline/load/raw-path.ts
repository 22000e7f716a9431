import type { Dialect, TableSpec } from '../../engine/table-spec.js';
import type { LoadColumn } from './plan.js';

/**
 * The raw path: for a plain CSV whose values PostgreSQL reads exactly as datawarp's reader would
 * (UTF-8; ISO, day-first or `01JAN2021` dates; plain numbers), the file's bytes go straight to
 * `COPY (FORMAT csv)` and PostgreSQL parses in C. Suppression markers and missing-value tokens in
 * number and date columns are cut from the bytes on the way (raw-scan.ts), so they load as null.
 * Anything PostgreSQL refuses (`1,234`, a ragged row) fails the COPY, and anything it would read
 * differently (blank or repeated header rows, `Infinity`, a code `007`, `1_000`, `today`) is
 * counted as the bytes stream; either way the load rolls back to its savepoint and takes the
 * typed path, so the result is the same, only slower.
 */

export interface RawCsv {
  readonly path: string;
  /** gzip-compressed text: PostgreSQL would be sent the compressed bytes */
  readonly gzip: boolean;
  readonly encoding: string | null;
  readonly dialect: Dialect | undefined;
}

const RAW_TYPES = new Set(['text', 'integer', 'bigint', 'numeric', 'double precision', 'date']);
const UTF8 = new Set(['utf-8', 'utf8', 'ascii', 'us-ascii']);

/** Why the raw path cannot be used, or null when it can. */
export function rawPathBlocker(
  raw: RawCsv | undefined,
  table: TableSpec,
  load: readonly LoadColumn[],
): string | null {
  if (!raw || !raw.dialect) return 'not delimited text';
  if (raw.gzip) return 'compressed';
  const d = raw.dialect;
  if (!raw.encoding || !UTF8.has(raw.encoding.toLowerCase())) return `encoding ${raw.encoding}`;
  if (d.lineTerminator !== '\n' && d.lineTerminator !== '\r\n') return 'line terminator';
  if (d.comment) return 'comment lines';
  if (d.delimiter.length !== 1 || d.delimiter.charCodeAt(0) > 127) return 'delimiter';
  if (d.quote !== '"' && d.quote !== "'") return 'quote';
  if (d.escape && d.escape.length !== 1) return 'escape';
  if (load.length !== table.columns.length) return 'not every column is loaded';
  for (let i = 0; i < table.columns.length; i++) {
    const c = table.columns[i]!;
    const l = load[i]!;
    if (c.sourceIndex !== i || l.index !== i) return 'columns are not the file fields in order';
    if (!RAW_TYPES.has(c.type)) return `${c.type} column ${c.name}`;
    if (l.type !== c.type && !(l.type === 'bigint' || l.type === 'numeric'))
      return `${c.name} lands in a ${l.type} column`;
    // `01JAN2021` (NHS extracts) PostgreSQL reads as the reader does; other patterns it may not
    if (
      c.type === 'date' &&
      c.format &&
      ((c.format.datePattern && c.format.datePattern !== 'dmonyyyy') ||
        (c.format.dateOrder && c.format.dateOrder !== 'dmy' && c.format.dateOrder !== 'ymd'))
    )
      return `date format of ${c.name}`;
    if (
      c.format &&
      (c.format.thousands ||
        c.format.percent ||
        c.format.currency ||
        (c.format.decimal && c.format.decimal !== '.'))
    )
      return `number format of ${c.name}`;
  }
  return null;
}

/** Marks a raw load that read some rows differently from the typed reader. */
export class RawPathDiverged extends Error {
  constructor(readonly rows: number) {
    super(`${rows} rows need datawarp's own reader (blank, repeated header or special values)`);
    this.name = 'RawPathDiverged';
  }
}
