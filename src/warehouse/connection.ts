import pg from 'pg';
import { DatawarpError } from '../errors.js';
import type { Workspace } from '../storage/workspace.js';
import { EMBEDDED_DATABASE, EMBEDDED_USER, embeddedPaths, readPassword, startEmbedded } from './embedded.js';

// Dates and timestamps stay as the text PostgreSQL sends: a JS Date would shift them by the
// local time zone, and a `date` has no time zone to shift.
pg.types.setTypeParser(1082, (v) => v);
pg.types.setTypeParser(1114, (v) => v);

export type DatabaseMode = 'embedded' | 'url';

export interface DatabaseTarget {
  readonly url: string;
  readonly mode: DatabaseMode;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: Number(process.env.DATAWARP_DB_RETRIES ?? 5),
  baseDelayMs: 100,
};

/** SQLSTATEs and socket errors worth another try: the server is starting, full, or not there yet. */
const TRANSIENT_SQLSTATE = new Set(['57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

export function isTransient(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e || typeof e !== 'object') return false;
  if (e.code && (TRANSIENT_SQLSTATE.has(e.code) || TRANSIENT_ERRNO.has(e.code))) return true;
  return /Connection terminated|timeout expired/i.test(e.message ?? '');
}

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured database';
  }
}

export function embeddedUrl(port: number, password: string, database = EMBEDDED_DATABASE): string {
  return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Where this workspace's data lives: `DATABASE_URL` when set, otherwise the embedded server,
 * started (or reused) on demand.
 */
export async function resolveTarget(ws: Workspace): Promise<DatabaseTarget> {
  const envUrl = process.env.DATABASE_URL;
  if (envUrl) return { url: envUrl, mode: 'url' };
  const { port } = await startEmbedded(ws);
  const password = readPassword(embeddedPaths(ws));
  if (!password) {
    throw new DatawarpError('DB_UNREACHABLE', 'the embedded database has no password file', {
      file: embeddedPaths(ws).passwordFile,
      hint: 'remove .datawarp/pg to start afresh (this deletes the embedded data)',
    });
  }
  await ensureDatabase(embeddedUrl(port, password, 'postgres'), EMBEDDED_DATABASE);
  return { url: embeddedUrl(port, password), mode: 'embedded' };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = await connectClient(adminUrl);
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
        // another process created it first
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run `attempt` until it succeeds or fails for a reason that another try will not fix. */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < Math.max(1, policy.attempts); i++) {
    try {
      return await attempt();
    } catch (err) {
      lastError = err;
      if (!isTransient(err)) throw err;
      if (i < policy.attempts - 1) await sleep(policy.baseDelayMs * 2 ** i);
    }
  }
  throw lastError;
}

function unreachable(url: string, cause: unknown): DatawarpError {
  const reason = (cause as { message?: string })?.message ?? String(cause);
  return new DatawarpError('DB_UNREACHABLE', `cannot reach the database at ${describeUrl(url)}: ${reason}`, {
    hint: process.env.DATABASE_URL
      ? 'check DATABASE_URL and that the server accepts connections'
      : 'run `datawarp db status`, or `datawarp db stop` and `datawarp db start`',
    retryable: true,
    cause,
  });
}

/** Failing to connect is the user's to fix (server down, wrong password, no such database). */
function asConnectError(url: string, err: unknown): unknown {
  const code = (err as { code?: string }).code;
  return isTransient(err) || code === '28P01' || code === '3D000' ? unreachable(url, err) : err;
}

export async function connectClient(url: string, policy: RetryPolicy = DEFAULT_RETRY): Promise<pg.Client> {
  try {
    return await withRetry(async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return client;
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      }
    }, policy);
  } catch (err) {
    throw asConnectError(url, err);
  }
}

/**
 * A pool that has proved it can connect (with retry and backoff), so commands fail early with a
 * clear message instead of deep inside their work.
 */
export async function openPool(url: string, policy: RetryPolicy = DEFAULT_RETRY): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 10_000,
  });
  pool.on('error', () => undefined);
  try {
    await withRetry(async () => {
      const client = await pool.connect();
      client.release();
    }, policy);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw asConnectError(url, err);
  }
  return pool;
}
