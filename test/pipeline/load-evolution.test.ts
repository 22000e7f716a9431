import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.js';
import { registerSource } from '../../src/lifecycle/registry.js';
import { loadTable } from '../../src/pipeline/load/load-table.js';
import { approveChange, rejectChange } from '../../src/pipeline/load/schema-review.js';
import type { LoadTableOptions } from '../../src/pipeline/load/types.js';
import { createTestDatabase } from '../helpers/db.js';
import { config, memorySource, rowsOf, type MemoryTable } from './load-helpers.js';

const db = await createTestDatabase();

async function register(code: string) {
  await registerSource(db.pool, {
    sourceCode: code,
    publication: 'Test publication',
    domain: 'Testing',
    owner: 'tester@nhs.net',
    purpose: 'schema evolution tests',
    loadMode: 'append',
    validationRequired: false,
  });
}
const opts = (sourceCode: string, extra: Partial<LoadTableOptions> = {}): LoadTableOptions => ({
  sourceCode,
  config: config(),
  user: 'tester',
  today: '2026-01-15',
  ...extra,
});
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await db.pool.query(sql, params)).rows as T[];
const columnsOf = async (table: string) =>
  (
    await q<{ c: string }>(
      `SELECT column_name || ':' || data_type AS c FROM information_schema.columns
        WHERE table_schema = 'staging' AND table_name = $1 AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position`,
      [table],
    )
  ).map((r) => r.c);

function table(
  headers: string[],
  n: number,
  value: (col: number, i: number) => string,
  name = 'evo',
): MemoryTable {
  return {
    name,
    headers,
    rows: rowsOf(n, (i) => headers.map((_, c) => value(c, i))),
    fileName: `${name}_${headers.length}_${n}.csv`,
  };
}

test('fewer than 5 new columns are added; columns missing from a file load as null', async () => {
  await register('evo');
  await loadTable(
    db.pool,
    memorySource(table(['Org', 'A'], 12, (c, i) => (c ? String(i) : `o${i}`))),
    opts('evo'),
  );
  const r = await loadTable(
    db.pool,
    memorySource(table(['Org', 'B', 'C', 'D', 'E'], 12, (c, i) => (c ? String(i * c) : `o${i}`))),
    opts('evo'),
  );
  assert.deepEqual(r.columnsAdded, ['b', 'c', 'd', 'e']);
  assert.deepEqual(r.columnsMissing, ['a']);
  assert.deepEqual(await columnsOf('tbl_evo'), [
    'org:text',
    'a:integer',
    'b:integer',
    'c:integer',
    'd:integer',
    'e:integer',
  ]);
  const [counts] = await q<{ a: string; b: string }>(
    'SELECT count(a) AS a, count(b) AS b FROM staging.tbl_evo WHERE _load_id = $1',
    [r.loadId],
  );
  assert.deepEqual(counts, { a: '0', b: '12' });
  const [ev] = await q<{ columns_added: number; columns_added_names: string[] }>(
    'SELECT columns_added, columns_added_names FROM datawarp.tbl_load_events WHERE load_id = $1',
    [r.loadId],
  );
  assert.deepEqual(ev, { columns_added: 4, columns_added_names: ['b', 'c', 'd', 'e'] });
  const applied = await q(
    `SELECT 1 FROM datawarp.tbl_schema_changes WHERE source_code = 'evo' AND status = 'applied' AND change_type = 'add_columns'`,
  );
  assert.equal(applied.length, 1, 'auto-approved additions are recorded');
});

test('5 or more new columns wait for review; the load goes on with the existing columns; approve adds them', async () => {
  const headers = ['Org', 'A', 'F1', 'F2', 'F3', 'F4', 'F5'];
  const r = await loadTable(
    db.pool,
    memorySource(table(headers, 12, (c, i) => (c ? String(i + c) : `o${i}`))),
    opts('evo'),
  );
  assert.equal(r.status, 'completed');
  assert.equal(r.rowsLoaded, 12);
  assert.deepEqual(r.columnsAdded, []);
  assert.deepEqual(r.columnsPending, ['f1', 'f2', 'f3', 'f4', 'f5']);
  assert.ok(r.schemaChangeId);
  assert.match(
    r.notes.join(' '),
    /5 new columns held for review.*loaded the existing columns only.*schema-changes approve/,
  );
  assert.ok(!(await columnsOf('tbl_evo')).includes('f1:integer'));
  const [a] = await q<{ a: string }>('SELECT count(a) AS a FROM staging.tbl_evo WHERE _load_id = $1', [
    r.loadId,
  ]);
  assert.equal(a!.a, '12', 'existing columns of the file still loaded');
  const [change] = await q<{ status: string; change_type: string }>(
    'SELECT status, change_type FROM datawarp.tbl_schema_changes WHERE change_id = $1',
    [r.schemaChangeId],
  );
  assert.deepEqual(change, { status: 'pending', change_type: 'add_columns' });

  // a second load of such a file does not file a second request
  const again = await loadTable(
    db.pool,
    memorySource({ ...table(headers, 13, (c, i) => (c ? String(i + c) : `o${i}`)) }),
    opts('evo'),
  );
  assert.equal(again.schemaChangeId, null);
  assert.deepEqual(again.columnsPending, ['f1', 'f2', 'f3', 'f4', 'f5']);

  const decision = await approveChange(db.pool, r.schemaChangeId!, 'dba');
  assert.deepEqual(decision.added, ['f1', 'f2', 'f3', 'f4', 'f5']);
  const next = await loadTable(
    db.pool,
    memorySource(table(headers, 14, (c, i) => (c ? String(i + c) : `o${i}`))),
    opts('evo'),
  );
  assert.deepEqual(next.columnsPending, []);
  const [f] = await q<{ f5: string }>('SELECT count(f5) AS f5 FROM staging.tbl_evo WHERE _load_id = $1', [
    next.loadId,
  ]);
  assert.equal(f!.f5, '14');
  await assert.rejects(approveChange(db.pool, r.schemaChangeId!, 'dba'), /already approved/);
});

test('rejected columns are ignored by later loads', async () => {
  const headers = ['Org', 'G1', 'G2', 'G3', 'G4', 'G5'];
  const r = await loadTable(
    db.pool,
    memorySource(table(headers, 12, (c, i) => (c ? String(i) : `o${i}`))),
    opts('evo'),
  );
  await rejectChange(db.pool, r.schemaChangeId!, 'dba', 'not needed');
  const later = await loadTable(
    db.pool,
    memorySource(table(headers, 11, (c, i) => (c ? String(i) : `o${i}`))),
    opts('evo'),
  );
  assert.equal(later.schemaChangeId, null);
  assert.deepEqual(later.columnsRejected, ['g1', 'g2', 'g3', 'g4', 'g5']);
  assert.match(later.notes.join(' '), /ignored columns rejected in review/);
});

test('a value that no longer fits widens the column integer → bigint → numeric → text, recorded', async () => {
  await register('widen');
  const base = (vals: string[], tag: string): MemoryTable => ({
    name: 'w',
    headers: ['Org', 'Value'],
    rows: vals.map((v, i) => [`o${i}`, v]),
    fileName: `w_${tag}.csv`,
  });
  const tenInts = Array.from({ length: 10 }, (_, i) => String(i));
  await loadTable(db.pool, memorySource(base(tenInts, 'int')), opts('widen'));
  assert.deepEqual(await columnsOf('tbl_widen'), ['org:text', 'value:integer']);
  const big = await loadTable(db.pool, memorySource(base([...tenInts, '9000000000'], 'big')), opts('widen'));
  assert.deepEqual(big.columnsWidened, [{ column: 'value', from: 'integer', to: 'bigint' }]);
  await loadTable(db.pool, memorySource(base([...tenInts, '2.5'], 'num')), opts('widen'));
  assert.deepEqual(await columnsOf('tbl_widen'), ['org:text', 'value:numeric']);
  const txt = await loadTable(db.pool, memorySource(base([...tenInts, 'n/a'], 'txt')), opts('widen'));
  assert.deepEqual(txt.columnsWidened, [{ column: 'value', from: 'numeric', to: 'text' }]);
  assert.deepEqual(await columnsOf('tbl_widen'), ['org:text', 'value:text']);
  const [{ v }] = (await q<{ v: string }>(
    `SELECT value AS v FROM staging.tbl_widen WHERE value = '9000000000'`,
  )) as [{ v: string }];
  assert.equal(v, '9000000000', 'earlier rows keep their values through every widening');
  // the first load's lineage lives in the catalog until a rewrite writes it into the rows
  const lineage = await q<{ file: string; n: string }>(
    `SELECT _source_file AS file, count(*) AS n FROM staging.tbl_widen GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(
    lineage.map((l) => [l.file, Number(l.n)]),
    [
      ['w_big.csv', 11],
      ['w_int.csv', 10],
      ['w_num.csv', 11],
      ['w_txt.csv', 11],
    ],
    'every load keeps its own lineage through every rewrite',
  );
  const changes = await q<{ details: { from: string; to: string } }>(
    `SELECT details FROM datawarp.tbl_schema_changes WHERE source_code = 'widen' AND change_type = 'widen_type' ORDER BY change_id`,
  );
  assert.deepEqual(
    changes.map((c) => `${c.details.from}->${c.details.to}`),
    ['integer->bigint', 'bigint->numeric', 'numeric->text'],
  );
  const gate = txt.validation.find((g) => g.check_name === 'type_change');
  assert.equal(gate?.status, 'warn');
});

test('a change the rules forbid (date column, text values) fails clearly and changes nothing', async () => {
  await register('dates');
  const dated = (vals: string[], tag: string): MemoryTable => ({
    name: 'd',
    headers: ['Org', 'Day'],
    rows: vals.map((v, i) => [`o${i}`, v]),
    fileName: `d_${tag}.csv`,
  });
  const days = Array.from({ length: 10 }, (_, i) => `2025-11-${String(i + 1).padStart(2, '0')}`);
  await loadTable(db.pool, memorySource(dated(days, 'ok')), opts('dates'));
  await assert.rejects(
    loadTable(db.pool, memorySource(dated([...days, 'TBC'], 'bad')), opts('dates')),
    (err: Error & { exitCode?: number; hint?: string }) => {
      assert.match(err.message, /column day is date in staging.tbl_dates but this file holds text values/);
      assert.equal(err.exitCode, EXIT.validation);
      assert.ok(err.hint);
      return true;
    },
  );
  const [{ n }] = (await q<{ n: string }>('SELECT count(*) AS n FROM staging.tbl_dates')) as [{ n: string }];
  assert.equal(n, '10');
  const [ev] = await q<{ load_status: string; error_message: string }>(
    `SELECT load_status, error_message FROM datawarp.tbl_load_events WHERE source_code = 'dates' ORDER BY load_id DESC LIMIT 1`,
  );
  assert.equal(ev!.load_status, 'failed');
  assert.match(ev!.error_message, /is date/);
});

test('types come from the whole file: a `*`-free sample and a stray value at the end still loads, in one retry', async () => {
  await register('exact');
  const rows = rowsOf(5000, (i) => [`o${i}`, String(i)]);
  rows[4990] = ['o4990', 'see note'];
  const src = memorySource({ name: 'x', headers: ['Org', 'Value'], rows, sample: 100, fileName: 'x.csv' });
  assert.equal(src.table.columns[1]!.type, 'integer', 'the sample says integer');
  const r = await loadTable(db.pool, src, opts('exact'));
  assert.equal(r.status, 'completed');
  assert.equal(r.rowsLoaded, 5000);
  assert.equal(r.refined, true);
  assert.equal(src.reads, 2, 'read once optimistically, once after re-typing');
  assert.deepEqual(await columnsOf('tbl_exact'), ['org:text', 'value:text']);
  const clean = memorySource({
    name: 'y',
    headers: ['Org', 'Value'],
    rows: rowsOf(5000, (i) => [`o${i}`, String(i)]),
    fileName: 'y.csv',
  });
  const r2 = await loadTable(db.pool, clean, opts('exact', { test: true }));
  assert.equal(r2.refined, false);
  assert.equal(clean.reads, 1, 'the common case reads the file once');
});
