import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../src/errors.js';
import { registerSource } from '../../src/lifecycle/registry.js';
import { cancelledError } from '../../src/pipeline/load/cancellation.js';
import { loadTable } from '../../src/pipeline/load/load-table.js';
import { createTestDatabase } from '../helpers/db.js';
import { config, memorySource, rowsOf } from './load-helpers.js';

const db = await createTestDatabase();
const here = path.dirname(fileURLToPath(import.meta.url));

test('cancelling mid-COPY rolls everything back and records the event as cancelled', async () => {
  await registerSource(db.pool, {
    sourceCode: 'cancel_me',
    publication: 'Cancel test',
    domain: 'Testing',
    owner: 'tester@nhs.net',
    purpose: 'cancelled mid-load',
    validationRequired: false,
  });
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(
    loadTable(
      db.pool,
      memorySource({
        name: 'c',
        headers: ['Id', 'Name'],
        rows: rowsOf(200_000, (i) => [String(i), `n${i}`]),
        fileName: 'c.csv',
      }),
      {
        sourceCode: 'cancel_me',
        config: config(),
        user: 'tester',
        signal: controller.signal,
        onProgress: (rows) => {
          seen = rows;
          if (rows >= 50_000) controller.abort(cancelledError('SIGINT'));
        },
      },
    ),
    (err: Error & { exitCode?: number }) => {
      assert.match(err.message, /cancelled by SIGINT/);
      assert.equal(err.exitCode, EXIT.cancelled);
      return true;
    },
  );
  assert.ok(seen >= 50_000 && seen < 200_000, 'aborted while rows were streaming');
  const { rows: t } = await db.pool.query(
    `SELECT to_regclass('staging.tbl_cancel_me') IS NOT NULL AS exists`,
  );
  assert.equal(t[0].exists, false, 'the CREATE TABLE rolled back with the rows');
  const { rows: ev } = await db.pool.query(
    `SELECT load_status, error_message FROM datawarp.tbl_load_events WHERE source_code = 'cancel_me'`,
  );
  assert.equal(ev.length, 1);
  assert.equal(ev[0].load_status, 'cancelled');
  const { rows: src } = await db.pool.query(
    `SELECT status FROM datawarp.tbl_data_sources WHERE source_code = 'cancel_me'`,
  );
  assert.equal(src[0].status, 'registered', 'a cancelled load does not activate the source');
});

test('a killed loader leaves no rows and an in_progress event that the next load marks failed', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'load-crash-child.ts'), db.url, 'crashy'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('copying') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));

  const { rows: ev } = await db.pool.query(
    `SELECT load_id, load_status FROM datawarp.tbl_load_events WHERE source_code = 'crashy'`,
  );
  assert.equal(ev.length, 1);
  assert.equal(ev[0].load_status, 'in_progress', 'the crash leaves the event as it was');
  // the server rolls the dead session back as soon as it notices the socket closed
  for (let i = 0; i < 50; i++) {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%'`,
    );
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const { rows: t } = await db.pool.query(`SELECT to_regclass('staging.tbl_crashy') IS NOT NULL AS exists`);
  assert.equal(t[0].exists, false, 'no partial table');

  const next = await loadTable(
    db.pool,
    memorySource({ name: 'ok', headers: ['Id'], rows: rowsOf(12, (i) => [String(i)]), fileName: 'ok.csv' }),
    { sourceCode: 'crashy', config: config(), user: 'tester' },
  );
  assert.equal(next.status, 'completed');
  const { rows: after } = await db.pool.query(
    'SELECT load_status, error_message FROM datawarp.tbl_load_events WHERE load_id = $1',
    [ev[0].load_id],
  );
  assert.equal(after[0].load_status, 'failed');
  assert.match(after[0].error_message, /ended without finishing/);
});
