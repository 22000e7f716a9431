import type pg from 'pg';
import type { Workspace } from '../storage/workspace.js';
import { openPool, resolveTarget, type DatabaseTarget } from './connection.js';
import { migrate } from './migrate.js';

/** An open, migrated database for one command or service: the pool and where it points. */
export interface Warehouse {
  readonly pool: pg.Pool;
  readonly target: DatabaseTarget;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** apply pending migrations first (default true: commands work on a fresh workspace) */
  readonly migrate?: boolean;
}

export async function openWarehouse(ws: Workspace, options: OpenOptions = {}): Promise<Warehouse> {
  const target = await resolveTarget(ws);
  const pool = await openPool(target.url);
  if (options.migrate !== false) {
    const client = await pool.connect();
    try {
      await migrate(client);
    } catch (err) {
      client.release();
      await pool.end();
      throw err;
    }
    client.release();
  }
  let closed = false;
  return {
    pool,
    target,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Run `fn` in one transaction on one connection: all of it commits, or none of it. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
