/**
 * Errors that users cause (a bad file, an unknown source, an unreachable database) are
 * `DatawarpError`s: they carry a stable `code`, a one-line message that names the thing at fault,
 * a hint, and the process exit code. Anything else thrown is a bug and keeps its stack.
 * The core throws; the edge (CLI, HTTP, drop-folder) decides how to show it.
 */

/** Documented in docs/cli.md; the one list both the CLI and the docs use. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  database: 4,
  validation: 5,
  notFound: 6,
  conflict: 7,
  partial: 8,
  cancelled: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const ERROR_CODES = [
  'USAGE',
  'FILE_NOT_FOUND',
  'FILE_EMPTY',
  'FILE_BINARY',
  'FILE_TRUNCATED',
  'FILE_ENCRYPTED',
  'FILE_TOO_LARGE',
  'FILE_UNSUPPORTED',
  'FILE_ENCODING',
  'LINE_TOO_LONG',
  'ZIP_UNSAFE',
  'NO_TABLE',
  'DB_UNREACHABLE',
  'DB_ERROR',
  'DB_LOCKED',
  'MIGRATION_FAILED',
  'SOURCE_INVALID',
  'SOURCE_EXISTS',
  'SOURCE_NOT_FOUND',
  'SCHEMA_FORBIDDEN',
  'VALIDATION_FAILED',
  'DOWNLOAD_FAILED',
  'MANIFEST_INVALID',
  'BATCH_FAILED',
  'CANCELLED',
  'CONFIG_INVALID',
  'NOT_FOUND',
  'REVIEW_STATE',
  'DATA_INVALID',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const DEFAULT_EXIT: Record<ErrorCode, ExitCode> = {
  USAGE: EXIT.usage,
  FILE_NOT_FOUND: EXIT.input,
  FILE_EMPTY: EXIT.input,
  FILE_BINARY: EXIT.input,
  FILE_TRUNCATED: EXIT.input,
  FILE_ENCRYPTED: EXIT.input,
  FILE_TOO_LARGE: EXIT.input,
  FILE_UNSUPPORTED: EXIT.input,
  FILE_ENCODING: EXIT.input,
  ZIP_UNSAFE: EXIT.input,
  LINE_TOO_LONG: EXIT.input,
  NO_TABLE: EXIT.input,
  DB_UNREACHABLE: EXIT.database,
  DB_ERROR: EXIT.database,
  DB_LOCKED: EXIT.database,
  MIGRATION_FAILED: EXIT.database,
  SOURCE_INVALID: EXIT.usage,
  SOURCE_EXISTS: EXIT.conflict,
  SOURCE_NOT_FOUND: EXIT.notFound,
  SCHEMA_FORBIDDEN: EXIT.validation,
  VALIDATION_FAILED: EXIT.validation,
  DOWNLOAD_FAILED: EXIT.input,
  MANIFEST_INVALID: EXIT.usage,
  BATCH_FAILED: EXIT.partial,
  CANCELLED: EXIT.cancelled,
  CONFIG_INVALID: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  REVIEW_STATE: EXIT.conflict,
  DATA_INVALID: EXIT.input,
};

export interface ErrorLocation {
  line?: number;
  sheet?: string;
  cell?: string;
  member?: string;
}

export interface DatawarpErrorOptions {
  hint?: string;
  file?: string;
  location?: ErrorLocation;
  retryable?: boolean;
  exitCode?: ExitCode;
  cause?: unknown;
}

export class DatawarpError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly location: ErrorLocation | undefined;
  readonly retryable: boolean;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, options: DatawarpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DatawarpError';
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.location = options.location;
    this.retryable = options.retryable ?? false;
    this.exitCode = options.exitCode ?? DEFAULT_EXIT[code];
  }

  /** The one line a user sees: `file: message (sheet X, line N)`. */
  oneLine(): string {
    const where = describeLocation(this.location);
    const prefix = this.file ? `${this.file}: ` : '';
    return `${prefix}${this.message}${where ? ` (${where})` : ''}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint ?? null,
      file: this.file ?? null,
      location: this.location ?? null,
      retryable: this.retryable,
      exitCode: this.exitCode,
    };
  }
}

function describeLocation(loc: ErrorLocation | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.member) parts.push(`member ${loc.member}`);
  if (loc.sheet) parts.push(`sheet ${loc.sheet}`);
  if (loc.cell) parts.push(`cell ${loc.cell}`);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  return parts.join(', ');
}

export function isDatawarpError(err: unknown): err is DatawarpError {
  return err instanceof DatawarpError;
}
