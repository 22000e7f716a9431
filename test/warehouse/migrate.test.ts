import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { latestMigration, listMigrations, migrate, migrationLevel } from '../../src/warehouse/migrate.js';
import { createTestDatabase } from '../helpers/db.js';

const SCHEMAS = ['archive', 'bkp', 'datawarp', 'ref', 'staging', 'staging_test'];

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

test('migrates an empty database to the latest level, then does nothing on a re-run', async () => {
  const db = await createTestDatabase({ empty: true });
  const known = listMigrations().length;
  await withClient(db.url, async (c) => {
    assert.equal(await migrationLevel(c), 0);
    const first = await migrate(c);
    assert.equal(first.applied.length, known);
    assert.equal(await migrationLevel(c), latestMigration());
    const again = await migrate(c);
    assert.equal(again.applied.length, 0);
    const { rows } = await c.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1',
      [SCHEMAS],
    );
    assert.deepEqual(
      rows.map((r) => r.nspname),
      SCHEMAS,
    );
    const tables = await c.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'datawarp' ORDER BY 1",
    );
    for (const t of [
      'tbl_audit_log',
      'tbl_column_metadata',
      'tbl_data_sources',
      'tbl_load_events',
      'tbl_refresh_events',
      'tbl_retention_policy',
      'tbl_schema_changes',
      'tbl_source_metrics',
      'tbl_validation_results',
    ]) {
      assert.ok(
        tables.rows.some((r) => r.table_name === t),
        `${t} exists`,
      );
    }
  });
});

test('ten migrators starting together apply each migration exactly once', async () => {
  const db = await createTestDatabase({ empty: true });
  const clients = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      return c;
    }),
  );
  try {
    const results = await Promise.all(clients.map((c) => migrate(c)));
    const appliedTotal = results.reduce((n, r) => n + r.applied.length, 0);
    assert.equal(appliedTotal, listMigrations().length);
    const { rows } = await clients[0]!.query<{ n: string }>(
      'SELECT count(*) AS n FROM datawarp.schema_migrations',
    );
    assert.equal(Number(rows[0]!.n), listMigrations().length);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
});

test('child rows cascade with their parent source; load history does not', async () => {
  const db = await createTestDatabase();
  await db.pool
    .query(`INSERT INTO datawarp.tbl_data_sources (source_code, publication, domain, owner, purpose, table_name)
                       VALUES ('cascade_me', 'p', 'd', 'o@example.org', 'why', 'tbl_cascade_me')`);
  await db.pool.query(
    `INSERT INTO datawarp.tbl_column_metadata (source_code, column_name, data_type) VALUES ('cascade_me', 'a', 'text')`,
  );
  const { rows } = await db.pool.query<{ load_id: string }>(
    `INSERT INTO datawarp.tbl_load_events (source_code, load_status) VALUES ('cascade_me', 'completed') RETURNING load_id`,
  );
  await db.pool.query(
    `INSERT INTO datawarp.tbl_validation_results (load_id, source_code, validation_type, check_name, status, message)
     VALUES ($1, 'cascade_me', 'row_count', 'min_rows', 'pass', 'ok')`,
    [rows[0]!.load_id],
  );
  await db.pool.query(`DELETE FROM datawarp.tbl_data_sources WHERE source_code = 'cascade_me'`);
  const meta = await db.pool.query(
    `SELECT 1 FROM datawarp.tbl_column_metadata WHERE source_code = 'cascade_me'`,
  );
  assert.equal(meta.rowCount, 0);
  const events = await db.pool.query(
    `SELECT 1 FROM datawarp.tbl_load_events WHERE source_code = 'cascade_me'`,
  );
  assert.equal(events.rowCount, 1, 'load history survives until an explicit purge');
  await db.pool.query(`DELETE FROM datawarp.tbl_load_events WHERE source_code = 'cascade_me'`);
  const results = await db.pool.query(
    `SELECT 1 FROM datawarp.tbl_validation_results WHERE source_code = 'cascade_me'`,
  );
  assert.equal(results.rowCount, 0, 'validation results go with their load event');
});
