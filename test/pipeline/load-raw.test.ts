import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadFile } from '../../src/pipeline/load/load-file.js';
import { resolveWorkspace } from '../../src/storage/workspace.js';
import { tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { config } from './load-helpers.js';

const db = await createTestDatabase();
const dir = tempDir('datawarp-load-raw-');
const ws = resolveWorkspace(dir);

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const load = (file: string, code: string) =>
  loadFile(db.pool, { file, workspace: ws, sourceCode: code, test: true, config: config(), user: 'tester' });

async function contents(code: string): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT concat_ws('|', id, name, amount::text, day::text, quote, _period) AS r FROM staging_test.${'tbl_' + code} ORDER BY id`,
  );
  return rows.map((r) => r.r as string);
}

const body = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `${i},"Name ${i}, with comma",${i % 3 === 0 ? '' : (i * 1.5).toFixed(2)},2025-0${(i % 9) + 1}-1${i % 9},"say ""hi"""`,
  );
const header = 'Id,Name,Amount,Day,Quote';

test('a plain CSV goes straight to PostgreSQL and lands exactly as the typed reader would load it', async () => {
  const file = write('plain.csv', [header, ...body(500)]);
  const raw = await load(file, 'raw_plain');
  assert.equal(raw.readPath, 'raw');
  assert.equal(raw.rowsLoaded, 500);
  // the same rows with a suppression marker in the sample take the typed path
  const typedFile = write('typed.csv', [header, ...body(500), '500,x,*,2025-01-01,q']);
  const typed = await load(typedFile, 'raw_typed');
  assert.equal(typed.readPath, 'typed');
  const a = await contents('raw_plain');
  const b = (await contents('raw_typed')).slice(0, 500);
  assert.equal(a.length, 500);
  assert.deepEqual(a, b);
  const { rows } = await db.pool.query(
    `SELECT amount::text, quote, _source_file FROM staging_test.tbl_raw_plain WHERE id = 1`,
  );
  assert.deepEqual(rows[0], { amount: '1.50', quote: 'say "hi"', _source_file: 'plain.csv' });
  const { rows: nulls } = await db.pool.query(
    `SELECT count(*)::int AS n FROM staging_test.tbl_raw_plain WHERE amount IS NULL`,
  );
  assert.equal(nulls[0].n, 167);
});

test('a blank line or repeated header inside the data falls back to the typed reader, which skips them', async () => {
  const rows = body(300);
  const file = write('repeats.csv', [
    header,
    ...rows.slice(0, 100),
    header,
    ...rows.slice(100, 200),
    ',,,,',
    ...rows.slice(200),
  ]);
  const r = await load(file, 'raw_repeats');
  assert.equal(r.rowsLoaded, 300);
  assert.equal(r.readPath, 'typed');
});

test('a `*` far past the sample makes PostgreSQL refuse the raw COPY; the typed reader loads it exactly', async () => {
  const lines = [header];
  // ~2.5 MB: the marker sits well past the 1 MB detection sample
  for (let i = 0; i < 40_000; i++)
    lines.push(
      `${i},Name ${i} padding padding padding,${i === 35_000 ? '*' : (i / 4).toFixed(2)},2025-01-01,q`,
    );
  const r = await load(write('late_star.csv', lines), 'raw_late');
  assert.equal(r.rowsLoaded, 40_000);
  assert.equal(r.readPath, 'typed');
  const { rows } = await db.pool.query(
    `SELECT amount, pg_typeof(amount)::text AS type FROM staging_test.tbl_raw_late WHERE id = 35000`,
  );
  assert.deepEqual(rows[0], { amount: null, type: 'numeric' });
});

test('the raw path counts repeated rows as they stream, across chunk boundaries', async () => {
  const rows = body(30_000); // ~2 MB: lines straddle the 1 MB read chunks
  const file = write('dups.csv', [header, ...rows, rows[10]!, rows[29_999]!, rows[15_000]!]);
  const r = await load(file, 'raw_dups');
  assert.equal(r.readPath, 'raw');
  const gate = r.validation.find((g) => g.check_name === 'duplicate_rows')!;
  assert.equal(gate.status, 'warn');
  assert.match(gate.message, /^3 duplicate rows/);
  const { rows: sql } = await db.pool.query(
    `SELECT coalesce(sum(n - 1), 0)::int AS extra FROM (SELECT count(*) AS n FROM staging_test.tbl_raw_dups
      GROUP BY id, name, amount, day, quote HAVING count(*) > 1) d`,
  );
  assert.equal(sql[0].extra, 3, 'the same count as GROUP BY over the loaded rows');
  const clean = await load(write('clean.csv', [header, ...rows]), 'raw_clean');
  assert.equal(clean.validation.find((g) => g.check_name === 'duplicate_rows')!.message, '0 duplicate rows');
});
