import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.js';
import { registerSource } from '../../src/lifecycle/registry.js';
import { loadTable } from '../../src/pipeline/load/load-table.js';
import type { LoadTableOptions } from '../../src/pipeline/load/types.js';
import { createTestDatabase } from '../helpers/db.js';
import { config, memorySource, rowsOf, type MemoryTable } from './load-helpers.js';

const db = await createTestDatabase();

async function register(code: string, extra: Record<string, unknown> = {}) {
  await registerSource(db.pool, {
    sourceCode: code,
    publication: 'Test publication',
    domain: 'Testing',
    owner: 'tester@nhs.net',
    purpose: 'loader tests',
    validationRequired: false,
    ...extra,
  });
}

function opts(sourceCode: string, extra: Partial<LoadTableOptions> = {}): LoadTableOptions {
  return { sourceCode, config: config(), user: 'tester', today: '2026-01-15', ...extra };
}

async function q<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[];
}

async function one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
  const rows = await q<T>(sql, params);
  assert.equal(rows.length, 1, `one row from ${sql}`);
  return rows[0]!;
}

const practices: MemoryTable = {
  headers: ['Practice Code', 'Practice Name', 'Patients', 'Extract Date'],
  rows: rowsOf(25, (i) => [`P${1000 + i}`, `Practice ${i}, "North"`, String(1000 + i * 7), '2025-11-01']),
  fileName: 'gp_practices_2025_11.csv',
  period: { code: '2025-11', start: '2025-11-01', end: '2025-11-30' },
};

test('first load creates the typed table with lineage and commits event, validation, metrics and metadata', async () => {
  await register('gp_practices');
  const r = await loadTable(db.pool, memorySource(practices), opts('gp_practices'));
  assert.equal(r.status, 'completed');
  assert.equal(r.created, true);
  assert.equal(r.rowsLoaded, 25);
  const t = r.timings;
  assert.ok(t.writeMs > 0 && t.prepareMs >= 0 && t.checksMs >= 0 && t.commitMs >= 0, JSON.stringify(t));
  assert.equal(
    t.prepareMs + t.writeMs + t.checksMs + t.commitMs,
    r.durationMs,
    'the phases add up to the whole',
  );
  const cols = await q<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'staging' AND table_name = 'tbl_gp_practices' ORDER BY ordinal_position`,
  );
  assert.deepEqual(
    cols.map((c) => `${c.column_name}:${c.data_type}`),
    [
      'practice_code:text',
      'practice_name:text',
      'patients:integer',
      'extract_date:date',
      '_load_id:bigint',
      '_loaded_at:timestamp with time zone',
      '_period:text',
      '_period_start:date',
      '_period_end:date',
      '_source_file:text',
    ],
  );
  const [row] = await q<Record<string, unknown>>(
    `SELECT * FROM staging.tbl_gp_practices WHERE practice_code = 'P1003'`,
  );
  assert.equal(row!.practice_name, 'Practice 3, "North"');
  assert.equal(row!.patients, 1021);
  assert.equal(row!.extract_date, '2025-11-01');
  assert.equal(String(row!._load_id), r.loadId);
  assert.equal(row!._period, '2025-11');
  assert.equal(row!._period_start, '2025-11-01');
  assert.equal(row!._period_end, '2025-11-30');
  assert.equal(row!._source_file, 'gp_practices_2025_11.csv');
  const stored = await q<{ attname: string }>(
    `SELECT attname FROM pg_attribute WHERE attrelid = 'staging.tbl_gp_practices'::regclass AND atthasmissing ORDER BY attnum`,
  );
  assert.deepEqual(
    stored.map((a) => a.attname),
    ['_load_id', '_loaded_at', '_period', '_period_start', '_period_end', '_source_file'],
    "a first load's lineage is kept once in the catalog, not written into every row",
  );

  const [event] = await q<Record<string, unknown>>(
    'SELECT * FROM datawarp.tbl_load_events WHERE load_id = $1',
    [r.loadId],
  );
  assert.equal(event!.load_status, 'completed');
  assert.equal(event!.rows_loaded, '25');
  assert.equal(event!.source_rows, '25');
  assert.equal(event!.file_sha256, memorySource(practices).file.sha256);
  assert.equal(event!.period, '2025-11');
  assert.ok(Number(event!.duration_ms) >= 0);
  assert.ok(event!.completed_at);

  const gates = await q<{ check_name: string; status: string }>(
    'SELECT check_name, status FROM datawarp.tbl_validation_results WHERE load_id = $1 ORDER BY validation_id',
    [r.loadId],
  );
  assert.ok(gates.length >= 4, 'row count, schema, quality and metadata results stored');
  assert.deepEqual(
    gates.map((g) => g.check_name),
    r.validation.map((g) => g.check_name),
  );
  const [metric] = await q<Record<string, unknown>>(
    'SELECT * FROM datawarp.tbl_source_metrics WHERE load_id = $1',
    [r.loadId],
  );
  assert.equal(metric!.row_count, '25');
  assert.equal(metric!.column_count, 4);
  assert.ok(Number(metric!.table_size_bytes) > 0);
  const meta = await q<{ column_name: string; original_name: string; data_type: string }>(
    `SELECT column_name, original_name, data_type FROM datawarp.tbl_column_metadata
      WHERE source_code = 'gp_practices' ORDER BY ordinal`,
  );
  assert.deepEqual(
    meta.map((m) => [m.column_name, m.original_name, m.data_type]),
    [
      ['practice_code', 'Practice Code', 'text'],
      ['practice_name', 'Practice Name', 'text'],
      ['patients', 'Patients', 'integer'],
      ['extract_date', 'Extract Date', 'date'],
    ],
  );
  const [source] = await q<{ status: string; last_loaded_at: Date | null }>(
    `SELECT status, last_loaded_at FROM datawarp.tbl_data_sources WHERE source_code = 'gp_practices'`,
  );
  assert.equal(source!.status, 'active');
  assert.ok(source!.last_loaded_at);
});

test('the same content for the same source and period is skipped unless forced', async () => {
  const again = await loadTable(db.pool, memorySource(practices), opts('gp_practices'));
  assert.equal(again.status, 'skipped');
  assert.match(again.notes[0]!, /already loaded.*--force/);
  const { n } = await one<{ n: string }>('SELECT count(*) AS n FROM staging.tbl_gp_practices');
  assert.equal(n, '25');
  const [ev] = await q<{ load_status: string }>(
    'SELECT load_status FROM datawarp.tbl_load_events WHERE load_id = $1',
    [again.loadId],
  );
  assert.equal(ev!.load_status, 'skipped');

  const forced = await loadTable(db.pool, memorySource(practices), opts('gp_practices', { force: true }));
  assert.equal(forced.status, 'completed');
  assert.equal(
    forced.rowsDeleted,
    25,
    'replace (the registry default) swapped the rows of this file and period',
  );
  const { n: after } = await one<{ n: string }>('SELECT count(*) AS n FROM staging.tbl_gp_practices');
  assert.equal(after, '25');
});

test('an unregistered source is refused with a hint and nothing is written; --test loads into staging_test', async () => {
  const before = await q<{ n: string }>('SELECT count(*) AS n FROM datawarp.tbl_load_events');
  await assert.rejects(
    loadTable(db.pool, memorySource(practices), opts('nobody')),
    (err: Error & { hint?: string; exitCode?: number }) => {
      assert.match(err.message, /source nobody is not registered/);
      assert.match(err.hint!, /datawarp register nobody/);
      assert.match(err.hint!, /--test/);
      assert.equal(err.exitCode, EXIT.notFound);
      return true;
    },
  );
  const after = await q<{ n: string }>('SELECT count(*) AS n FROM datawarp.tbl_load_events');
  assert.deepEqual(after, before);
  const { exists } = await one<{ exists: boolean }>(
    `SELECT to_regclass('staging.tbl_nobody') IS NOT NULL AS exists`,
  );
  assert.equal(exists, false);

  const r = await loadTable(db.pool, memorySource(practices), opts('nobody', { test: true }));
  assert.equal(r.status, 'completed');
  assert.equal(r.schema, 'staging_test');
  const { n } = await one<{ n: string }>('SELECT count(*) AS n FROM staging_test.tbl_nobody');
  assert.equal(n, '25');
  const [ev] = await q<{ is_test: boolean; target_schema: string }>(
    'SELECT is_test, target_schema FROM datawarp.tbl_load_events WHERE load_id = $1',
    [r.loadId],
  );
  assert.deepEqual(ev, { is_test: true, target_schema: 'staging_test' });
  const src = await q(`SELECT 1 FROM datawarp.tbl_data_sources WHERE source_code = 'nobody'`);
  assert.equal(src.length, 0, 'a test load does not register anything');
});

function monthly(period: string, name: string, n: number, base = 0): MemoryTable {
  return {
    name,
    headers: ['Org', 'Count'],
    rows: rowsOf(n, (i) => [`${name}-${i}`, String(base + i)]),
    fileName: `${name}_${period}.csv`,
    period: { code: period, start: `${period}-01`, end: `${period}-28` },
  };
}

test('replace swaps only the rows of the same file key and period; siblings and other periods stay', async () => {
  await register('sitrep', { loadMode: 'replace' });
  await loadTable(db.pool, memorySource(monthly('2025-10', 'region', 12)), opts('sitrep'));
  await loadTable(db.pool, memorySource(monthly('2025-11', 'region', 12)), opts('sitrep'));
  await loadTable(db.pool, memorySource(monthly('2025-11', 'provider', 15)), opts('sitrep'));
  // the region file for 2025-11 is republished with 14 rows
  const r = await loadTable(db.pool, memorySource(monthly('2025-11', 'region', 14, 100)), opts('sitrep'));
  assert.equal(r.rowsDeleted, 12);
  const counts = await q<{ file: string; period: string; n: string }>(
    `SELECT _source_file AS file, _period AS period, count(*) AS n FROM staging.tbl_sitrep GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  assert.deepEqual(
    counts.map((c) => [c.file, c.period, Number(c.n)]),
    [
      ['provider_2025-11.csv', '2025-11', 15],
      ['region_2025-10.csv', '2025-10', 12],
      ['region_2025-11.csv', '2025-11', 14],
    ],
  );
});

test('append adds rows; fullload replaces the whole table', async () => {
  await register('refdata', { loadMode: 'append' });
  const indexes = async () =>
    (await q<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'tbl_refdata'`)).map(
      (r) => r.def.replace(/^.* USING /, ''),
    );
  await loadTable(db.pool, memorySource(monthly('2025-10', 'orgs', 11)), opts('refdata'));
  assert.deepEqual(await indexes(), [], 'a table holding one load needs no index to find it');
  await loadTable(db.pool, memorySource(monthly('2025-11', 'orgs', 13)), opts('refdata'));
  assert.deepEqual(await indexes(), ['brin (_load_id)'], 'its second load brings the lineage index');
  const { n } = await one<{ n: string }>('SELECT count(*) AS n FROM staging.tbl_refdata');
  assert.equal(n, '24');
  const full = await loadTable(
    db.pool,
    memorySource(monthly('2025-12', 'orgs', 17)),
    opts('refdata', { mode: 'fullload' }),
  );
  assert.equal(full.rowsDeleted, 24);
  const rows = await q<{ period: string; n: string }>(
    'SELECT _period AS period, count(*) AS n FROM staging.tbl_refdata GROUP BY 1',
  );
  assert.deepEqual(rows, [{ period: '2025-12', n: '17' }]);
});

test('two loads of the same file at once: one loads, the other waits for it and skips', async () => {
  await register('racing');
  const table: MemoryTable = { ...practices, fileName: 'racing_2025_11.csv' };
  const results = await Promise.all([
    loadTable(db.pool, memorySource(table), opts('racing')),
    loadTable(db.pool, memorySource(table), opts('racing')),
  ]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['completed', 'skipped']);
  const { n } = await one<{ n: string }>('SELECT count(*) AS n FROM staging.tbl_racing');
  assert.equal(n, '25');
  const events = await q<{ load_status: string }>(
    `SELECT load_status FROM datawarp.tbl_load_events WHERE source_code = 'racing' ORDER BY load_id`,
  );
  assert.deepEqual(events.map((e) => e.load_status).sort(), ['completed', 'skipped']);
});
