import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerSource } from '../../src/lifecycle/registry.js';
import { loadTable } from '../../src/pipeline/load/load-table.js';
import type { LoadResult, LoadTableOptions } from '../../src/pipeline/load/types.js';
import { createTestDatabase } from '../helpers/db.js';
import { config, memorySource, rowsOf, type MemoryTable } from './load-helpers.js';

const db = await createTestDatabase();
let seq = 0;

async function fresh(validationRequired = false): Promise<string> {
  const code = `v${++seq}`;
  await registerSource(db.pool, {
    sourceCode: code,
    publication: 'Validation tests',
    domain: 'Testing',
    owner: 'tester@nhs.net',
    purpose: 'gate tests',
    loadMode: 'append',
    validationRequired,
  });
  return code;
}
const opts = (sourceCode: string, yaml = '', extra: Partial<LoadTableOptions> = {}): LoadTableOptions => ({
  sourceCode,
  config: config(yaml),
  user: 'tester',
  today: '2026-01-15',
  ...extra,
});
const gate = (r: LoadResult, name: string) => r.validation.find((g) => g.check_name === name)?.status;
const good = (n: number, tag = 'a'): MemoryTable => ({
  name: 'g',
  headers: ['Id', 'Name', 'Day'],
  rows: rowsOf(n, (i) => [String(i), `${tag}${i}`, '2025-06-01']),
  fileName: `g_${tag}_${n}.csv`,
  types: ['integer', 'text', 'date'],
});

test('a clean load passes every gate', async () => {
  const code = await fresh();
  const r = await loadTable(
    db.pool,
    memorySource(good(20)),
    opts(code, `sources:\n  ${code}:\n    key: [id]\n    descriptions: {id: Row id, name: Name}\n`),
  );
  assert.equal(r.validationStatus, 'pass', JSON.stringify(r.validation));
  for (const name of [
    'row_count',
    'columns_added',
    'type_change',
    'all_null',
    'duplicate_rows',
    'duplicate_keys',
    'date_range',
    'descriptions',
  ])
    assert.equal(gate(r, name), 'pass', name);
});

test('row count: empty fails, few rows warn, too many and big swings are flagged as configured', async () => {
  const code = await fresh();
  const empty = await loadTable(db.pool, memorySource(good(0)), opts(code));
  assert.equal(gate(empty, 'empty'), 'fail');
  const few = await loadTable(db.pool, memorySource(good(5, 'few')), opts(code));
  assert.equal(gate(few, 'min_rows'), 'warn');
  const many = await loadTable(
    db.pool,
    memorySource(good(30, 'many')),
    opts(code, 'validation:\n  max_rows: 25\n  levels: {max_rows: fail}\n'),
  );
  assert.equal(gate(many, 'max_rows'), 'fail');
  const swing = await loadTable(db.pool, memorySource(good(100, 'swing')), opts(code));
  assert.equal(gate(swing, 'row_change'), 'warn', 'from 30 to 100 rows');
  const steady = await loadTable(db.pool, memorySource(good(110, 'steady')), opts(code));
  assert.equal(gate(steady, 'row_change'), 'pass');
});

test('schema drift: too many new columns and type changes', async () => {
  const code = await fresh();
  await loadTable(db.pool, memorySource(good(12)), opts(code));
  const wide: MemoryTable = {
    name: 'g',
    headers: ['Id', 'Name', 'Day', 'X1', 'X2'],
    rows: rowsOf(12, (i) => [String(i), `n${i}`, '2025-06-01', '1', '2']),
    fileName: 'wide.csv',
  };
  const r = await loadTable(
    db.pool,
    memorySource(wide),
    opts(code, 'validation:\n  max_columns_added: 1\n  levels: {columns_added: fail}\n'),
  );
  assert.equal(gate(r, 'columns_added'), 'fail');
  const retyped: MemoryTable = {
    ...good(12, 'r'),
    rows: rowsOf(12, (i) => [`id-${i}`, `n${i}`, '2025-06-01']),
    fileName: 'retyped.csv',
  };
  const t = await loadTable(db.pool, memorySource(retyped), opts(code));
  assert.equal(gate(t, 'type_change'), 'warn');
});

test('data quality: all-null columns, duplicate rows, duplicate keys, future and old dates', async () => {
  const code = await fresh();
  const dirty: MemoryTable = {
    name: 'q',
    headers: ['Id', 'Empty', 'Day'],
    rows: [
      ...rowsOf(10, (i) => [String(i), '', '2025-06-01']),
      ['3', '', '2025-06-01'],
      ['4', '', '2031-01-01'],
      ['5', '', '2001-01-01'],
    ],
    fileName: 'dirty.csv',
    types: ['integer', 'text', 'date'],
  };
  const r = await loadTable(
    db.pool,
    memorySource(dirty),
    opts(code, `sources:\n  ${code}:\n    key: [id]\n`),
  );
  assert.equal(gate(r, 'all_null'), 'warn');
  assert.equal(gate(r, 'duplicate_rows'), 'warn');
  assert.match(r.validation.find((g) => g.check_name === 'duplicate_rows')!.message, /^1 duplicate rows/);
  assert.equal(gate(r, 'duplicate_keys'), 'fail');
  assert.equal(gate(r, 'future_dates'), 'warn');
  assert.equal(gate(r, 'old_dates'), 'warn');
  assert.equal(r.status, 'completed', 'not enforced: recorded, not rolled back');
});

test('metadata completeness: under 50% described warns', async () => {
  const code = await fresh();
  const r = await loadTable(
    db.pool,
    memorySource(good(12)),
    opts(code, `sources:\n  ${code}:\n    descriptions: {id: Row id}\n`),
  );
  assert.equal(gate(r, 'descriptions'), 'warn');
  assert.match(r.validation.find((g) => g.check_name === 'descriptions')!.message, /1\/3 columns/);
});

test('an enforced failing gate rolls the load back and keeps the event and results', async () => {
  const code = await fresh(true);
  await loadTable(db.pool, memorySource(good(12)), opts(code));
  const r = await loadTable(db.pool, memorySource(good(0, 'empty')), opts(code));
  assert.equal(r.status, 'rolled_back');
  const [{ n }] = (await db.pool.query(`SELECT count(*) AS n FROM staging.tbl_${code}`)).rows;
  assert.equal(n, '12');
  const [ev] = (
    await db.pool.query(
      'SELECT load_status, error_message FROM datawarp.tbl_load_events WHERE load_id = $1',
      [r.loadId],
    )
  ).rows;
  assert.equal(ev.load_status, 'rolled_back');
  assert.match(ev.error_message, /validation failed.*no rows/);
  const stored = (
    await db.pool.query('SELECT check_name, status FROM datawarp.tbl_validation_results WHERE load_id = $1', [
      r.loadId,
    ])
  ).rows;
  assert.ok(stored.some((s) => s.check_name === 'empty' && s.status === 'fail'));

  // --validate enforces on a source that does not require validation; replace rolls back too
  const loose = await fresh(false);
  await loadTable(db.pool, memorySource(good(12)), opts(loose));
  const d = await loadTable(
    db.pool,
    memorySource({ ...good(12, 'dup'), rows: rowsOf(12, () => ['1', 'x', '2025-06-01']) }),
    opts(loose, `sources:\n  ${loose}:\n    key: [id]\n`, { validate: true, mode: 'fullload' }),
  );
  assert.equal(d.status, 'rolled_back');
  const [{ m }] = (await db.pool.query(`SELECT count(*) AS m FROM staging.tbl_${loose} WHERE name = 'a1'`))
    .rows;
  assert.equal(m, '1', 'the fullload that failed its gate did not truncate the table');
});
