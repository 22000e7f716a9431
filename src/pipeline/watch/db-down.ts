import { isTransient } from '../../warehouse/connection.js';

/**
 * The database went away (restart, failover, network): the work is retried later, and the file
 * stays where it is. Broader than connection-time retries: a server shutting down terminates
 * sessions mid-statement (57P01..57P03, class 08).
 */
export function isDatabaseDown(err: unknown): boolean {
  if (isTransient(err)) return true;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e?.code === 'string' && (/^08/.test(e.code) || /^57P0[123]$/.test(e.code))) return true;
  if (e?.code === 'DB_UNREACHABLE') return true;
  if (
    /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error/i.test(
      String(e?.message ?? ''),
    )
  )
    return true;
  return e?.cause !== undefined && e.cause !== err ? isDatabaseDown(e.cause) : false;
}

/** Exponential backoff from `baseMs`, capped at `maxMs`. */
export function backoffMs(attempt: number, baseMs = 500, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}
