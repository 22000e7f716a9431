import { isDatawarpError, type ErrorCode } from '../../errors.js';

/**
 * What goes into `<name>.error.json` beside a file moved to `error/`, and into the tracking row:
 * enough for the colleague who dropped the file to fix it without reading logs.
 */

export const ERROR_CATEGORIES = [
  'unreadable_file',
  'no_table',
  'database',
  'validation',
  'rejected',
  'internal',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export interface DetectedFormat {
  readonly format: string | null;
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly headers: readonly string[] | null;
}

export interface ErrorReport {
  readonly file: string;
  readonly original_path: string;
  readonly moved_to: string;
  readonly category: ErrorCategory;
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
  readonly location: unknown;
  readonly detected_format: DetectedFormat | null;
  readonly sha256: string | null;
  readonly target_table: string | null;
  readonly load_id: string | null;
  readonly tracking_id: string;
  readonly failed_at: string;
}

function categoryOf(errorCode: ErrorCode): ErrorCategory {
  const code: string = errorCode;
  if (code === 'NO_TABLE') return 'no_table';
  if (code.startsWith('FILE_') || code === 'ZIP_UNSAFE' || code === 'LINE_TOO_LONG') return 'unreadable_file';
  if (code.startsWith('DB_') || code === 'MIGRATION_FAILED') return 'database';
  if (['VALIDATION_FAILED', 'SCHEMA_FORBIDDEN', 'DATA_INVALID'].includes(code)) return 'validation';
  return 'internal';
}

/** Category, code, message and hint of any error (a bug is `internal` and says so). */
export function describeFailure(err: unknown): {
  category: ErrorCategory;
  code: string;
  message: string;
  hint: string | null;
  location: unknown;
} {
  if (isDatawarpError(err)) {
    return {
      category: categoryOf(err.code),
      code: err.code,
      message: err.message,
      hint: err.hint ?? null,
      location: err.location ?? null,
    };
  }
  const e = err as { code?: unknown; message?: unknown };
  // a PostgreSQL error raised by the data (a value too long, a constraint) is the file's fault
  if (typeof e?.code === 'string' && /^(22|23)/.test(e.code)) {
    return {
      category: 'validation',
      code: `SQLSTATE_${e.code}`,
      message: String(e.message),
      hint: 'the file holds a value the table cannot take; fix the file or load it as a new table',
      location: null,
    };
  }
  return {
    category: 'internal',
    code: 'INTERNAL',
    message: String(e?.message ?? err),
    hint: 'this is a bug in datawarp; please report it with this file',
    location: null,
  };
}
