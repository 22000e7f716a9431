import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { registerSource } from '../../src/lifecycle/registry.js';
import { loadFile } from '../../src/pipeline/load/load-file.js';
import { profileWithSuspects } from '../../src/warehouse/queries/quality.js';
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
  // the same rows with a thousands separator in the sample take the typed path
  const typedFile = write('typed.csv', [header, ...body(500), '500,x,"1,000",2025-01-01,q']);
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

test('a CSV is hashed as it is copied: the same bytes again are skipped, other bytes of the same size are not', async () => {
  const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const eventSha = async (loadId: string) =>
    (await db.pool.query(`SELECT file_sha256 FROM datawarp.tbl_load_events WHERE load_id = $1`, [loadId]))
      .rows[0].file_sha256;
  const a = write('hashed.csv', [header, ...body(400)]);
  const first = await load(a, 'raw_hash');
  assert.equal(first.readPath, 'raw');
  assert.equal(await eventSha(first.loadId), sha(a));
  const again = await load(a, 'raw_hash');
  assert.equal(again.status, 'skipped');
  assert.match(again.notes.join(' '), new RegExp(`already loaded as load ${first.loadId}`));
  assert.equal(await eventSha(again.loadId), sha(a));
  // one digit changed: the same size, so it is hashed before loading, and found to differ
  fs.writeFileSync(a, fs.readFileSync(a, 'utf8').replace('\n7,', '\n8,'));
  const changed = await load(a, 'raw_hash');
  assert.equal(changed.status, 'completed');
  assert.equal(await eventSha(changed.loadId), sha(a));
  assert.notEqual(sha(a), await eventSha(first.loadId));
});

test('NUL characters from a padded export are dropped, in values, headers and the audit rows alike', async () => {
  await registerSource(db.pool, {
    sourceCode: 'raw_nul',
    publication: 'Padded exports',
    domain: 'Testing',
    owner: 'tester@nhs.net',
    purpose: 'NUL characters',
    validationRequired: false,
  });
  const lines = [
    'Id,Na\0me,Amount',
    ...Array.from({ length: 50 }, (_, i) => `${i},name ${i}${i === 5 ? '\0' : ''},${i}`),
  ];
  const file = write('padded.csv', lines);
  const r = await loadFile(db.pool, {
    file,
    workspace: ws,
    sourceCode: 'raw_nul',
    config: config(),
    user: 'tester',
  });
  assert.equal(r.status, 'completed');
  assert.equal(r.rowsLoaded, 50);
  const { rows } = await db.pool.query(`SELECT na_me AS name FROM staging.tbl_raw_nul WHERE id = 5`);
  assert.deepEqual(rows, [{ name: 'name 5' }]);
  const { rows: meta } = await db.pool.query(
    `SELECT original_name, col_description('staging.tbl_raw_nul'::regclass, 2) AS comment
       FROM datawarp.tbl_column_metadata WHERE source_code = 'raw_nul' AND column_name = 'na_me'`,
  );
  assert.deepEqual(meta, [{ original_name: 'Name', comment: 'Name' }]);
  const { rows: event } = await db.pool.query(
    `SELECT spec IS NOT NULL AS has_spec FROM datawarp.tbl_load_events WHERE load_id = $1`,
    [r.loadId],
  );
  assert.deepEqual(event, [{ has_spec: true }]);
});

test('dates like 01JAN2021 (NHS extracts) go the raw path and land as the typed reader lands them', async () => {
  const months = ['JAN', 'Feb', 'mar', 'APR', 'May', 'JUN', 'Jul', 'AUG', 'SEP', 'oct', 'Nov', 'DEC'];
  const rows = Array.from({ length: 48 }, (_, i) => {
    const day = i === 5 ? '01JAN2099' : `${String((i % 28) + 1).padStart(2, '0')}${months[i % 12]}2021`;
    return `${i},${day},${i * 3}`;
  });
  const raw = await load(write('extract.csv', ['Id,Extract Date,Patients', ...rows]), 'raw_dmon');
  assert.equal(raw.readPath, 'raw');
  const typed = await load(
    write('extract_typed.csv', ['Id,Extract Date,Patients', ...rows, '48,01JAN2021,"1,000"']),
    'raw_dmon_typed',
  );
  assert.equal(typed.readPath, 'typed');
  const { rows: diff } = await db.pool.query(
    `SELECT count(*)::int AS n FROM (SELECT id, extract_date FROM staging_test.tbl_raw_dmon
       EXCEPT SELECT id, extract_date FROM staging_test.tbl_raw_dmon_typed) d`,
  );
  assert.equal(diff[0].n, 0);
  const { rows: one } = await db.pool.query(
    `SELECT extract_date::text AS d FROM staging_test.tbl_raw_dmon WHERE id = 13`,
  );
  assert.deepEqual(one, [{ d: '2021-02-14' }]);
  const future = raw.validation.find((g) => g.check_name === 'future_dates')?.message;
  assert.equal(
    future,
    'dates in the future: extract_date (latest 2099-01-01)',
    'the scan reads the month names',
  );
});

test('the typed path carries tabs, backslashes and line breaks in text exactly', async () => {
  const rows = [
    'Id,Note,Amount',
    '1,"tab\there",5',
    '2,"back\\slash",6',
    '3,"two\nlines",7',
    '4,plain,"1,000"',
  ];
  const r = await load(write('escapes.csv', rows), 'typed_escapes');
  assert.equal(r.readPath, 'typed');
  const { rows: got } = await db.pool.query(
    `SELECT id, note, amount::text FROM staging_test.tbl_typed_escapes ORDER BY id`,
  );
  assert.deepEqual(got, [
    { id: 1, note: 'tab\there', amount: '5' },
    { id: 2, note: 'back\\slash', amount: '6' },
    { id: 3, note: 'two\nlines', amount: '7' },
    { id: 4, note: 'plain', amount: '1000' },
  ]);
});

test('a failed load is audited with the hash of its file too', async () => {
  await load(write('forbid_1.csv', ['Id,Day', '1,2025-01-01', '2,2025-01-02']), 'raw_forbid');
  const bad = write('forbid_2.csv', ['Id,Day', '1,soon', '2,later']);
  await assert.rejects(load(bad, 'raw_forbid'), /date/);
  const { rows } = await db.pool.query(
    `SELECT load_status, file_sha256 FROM datawarp.tbl_load_events
      WHERE source_code = 'raw_forbid' ORDER BY load_id DESC LIMIT 1`,
  );
  const sha = crypto.createHash('sha256').update(fs.readFileSync(bad)).digest('hex');
  assert.deepEqual(rows[0], { load_status: 'failed', file_sha256: sha });
});

test('a gzip-compressed CSV is read through datawarp, not sent to PostgreSQL compressed', async () => {
  const file = path.join(dir, 'plain.csv.gz');
  fs.writeFileSync(file, zlib.gzipSync([header, ...body(300)].join('\n') + '\n'));
  const r = await load(file, 'raw_gzip');
  assert.equal(r.readPath, 'typed');
  assert.equal(r.rowsLoaded, 300);
  assert.deepEqual(await contents('raw_gzip'), (await contents('raw_plain')).slice(0, 300));
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

test('a `1,234.50` far past the sample makes PostgreSQL refuse the raw COPY; the typed reader loads it exactly', async () => {
  const lines = [header];
  // ~2.5 MB: the thousands separator sits well past the 1 MB detection sample
  for (let i = 0; i < 40_000; i++)
    lines.push(
      `${i},Name ${i} padding padding padding,${i === 35_000 ? '"1,234.50"' : (i / 4).toFixed(2)},2025-01-01,q`,
    );
  const r = await load(write('late_thousands.csv', lines), 'raw_late');
  assert.equal(r.rowsLoaded, 40_000);
  assert.equal(r.readPath, 'typed');
  assert.equal(r.refined, true, 'typed from every row after PostgreSQL refused the sample types');
  const { rows } = await db.pool.query(
    `SELECT amount::text, pg_typeof(amount)::text AS type FROM staging_test.tbl_raw_late WHERE id = 35000`,
  );
  assert.deepEqual(rows[0], { amount: '1234.50', type: 'numeric' });
});

test('a code with a leading zero far past the sample is not loaded as a number by the raw path', async () => {
  const lines = [header];
  // `007` would be 7 to PostgreSQL; to datawarp it is a code, so the column becomes text
  for (let i = 0; i < 40_000; i++)
    lines.push(`${i === 35_000 ? '007' : i},Name ${i} padding padding padding,1.5,2025-01-01,q`);
  const r = await load(write('late_code.csv', lines), 'raw_code');
  assert.equal(r.rowsLoaded, 40_000);
  assert.equal(r.readPath, 'typed');
  const { rows } = await db.pool.query(
    `SELECT id, pg_typeof(id)::text AS type FROM staging_test.tbl_raw_code WHERE name = 'Name 35000 padding padding padding'`,
  );
  assert.deepEqual(rows[0], { id: '007', type: 'text' });
});

test('the typed path measures the gates from the rows as they go in, as the table would', async () => {
  // `1,000` takes the typed path; rows 10-14 repeat rows 0-4; `Empty` holds nothing
  const rows = Array.from({ length: 40 }, (_, i) => {
    const k = i >= 10 && i < 15 ? i - 10 : i;
    const day = k === 7 ? '2099-12-31' : `2025-0${(k % 9) + 1}-1${k % 9}`;
    return `${k},Name ${k},${k === 3 ? '"1,000"' : k * 2},${day},`;
  });
  const r = await load(write('typed_gates.csv', ['Id,Name,Amount,Day,Empty', ...rows]), 'typed_gates');
  assert.equal(r.readPath, 'typed');
  const gate = (name: string) => r.validation.find((g) => g.check_name === name)?.message;
  assert.equal(gate('duplicate_rows'), '5 duplicate rows');
  assert.equal(gate('all_null'), 'all-null columns: empty');
  const { rows: table } = await db.pool.query(
    `SELECT count(*) - count(DISTINCT (id, name, amount, day)) AS extra, min(day)::text AS lo, max(day)::text AS hi
       FROM staging_test.tbl_typed_gates`,
  );
  assert.equal(Number(table[0].extra), 5, 'the table agrees on the repeats');
  assert.deepEqual([table[0].lo, table[0].hi], ['2025-01-10', '2099-12-31']);
  assert.equal(gate('future_dates'), 'dates in the future: day (latest 2099-12-31)');
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

test('the divergence scan counts blank rows, header rows that parse as numbers, and NaN', async () => {
  await db.pool.query(
    `CREATE TABLE public.suspects (org text, y2023 integer, rate numeric, _load_id bigint)`,
  );
  await db.pool.query(`INSERT INTO public.suspects VALUES
      ('Org A', 1, 1.5, 1), (' Org ', 2023, NULL, 1), ('  ', NULL, NULL, 1), ('Org B', 3, 'NaN', 1), ('Org', 2023, 2.5, 2)`);
  const client = await db.pool.connect();
  try {
    const cols = [
      { name: 'org', type: 'text', header: 'Org' },
      { name: 'y2023', type: 'integer', header: '2023' },
      { name: 'rate', type: 'numeric', header: 'Rate' },
    ];
    const scan = await profileWithSuspects(client, 'public', 'suspects', '1', cols, cols);
    assert.equal(
      scan.suspects,
      2,
      'the blank row and the NaN row; "Rate" cannot be a repeated numeric header',
    );
    const years = cols.map((c) => (c.name === 'rate' ? { ...c, header: '2.5' } : c));
    const again = await profileWithSuspects(client, 'public', 'suspects', '2', cols, years);
    assert.equal(again.suspects, 1, 'a header row whose every cell parsed');
    assert.deepEqual(
      scan.profile.map((p) => [p.name, p.nonNull]),
      [
        ['org', 4],
        ['y2023', 3],
        ['rate', 2],
      ],
    );
  } finally {
    client.release();
  }
});

test('later raw loads into an existing table stamp their own lineage', async () => {
  const code = 'raw_lineage';
  const first = await load(write('lin_2025_10.csv', [header, ...body(20)]), code);
  const append = (file: string) =>
    loadFile(db.pool, {
      file,
      workspace: ws,
      sourceCode: code,
      test: true,
      mode: 'append',
      config: config(),
      user: 'tester',
    });
  const second = await append(write('lin_2025_11.csv', [header, ...body(30)]));
  assert.equal(first.readPath, 'raw');
  assert.equal(second.readPath, 'raw');
  // a table an earlier version made, whose date defaults parse text settings, is brought up to date
  await db.pool.query(
    `ALTER TABLE staging_test.tbl_raw_lineage
       ALTER COLUMN _period_start SET DEFAULT nullif(current_setting('datawarp.period_start', true), '')::date`,
  );
  const third = await append(write('lin_2024_02.csv', [header, ...body(5)]));
  assert.equal(third.readPath, 'raw');
  const { rows } = await db.pool.query(
    `SELECT _load_id::text AS id, _source_file AS file, _period AS period, _period_start::text AS start,
            _period_end::text AS end, count(*)::int AS n, count(_loaded_at)::int AS stamped
       FROM staging_test.tbl_raw_lineage GROUP BY 1, 2, 3, 4, 5 ORDER BY 1`,
  );
  assert.deepEqual(rows, [
    {
      id: first.loadId,
      file: 'lin_2025_10.csv',
      period: '2025-10',
      start: '2025-10-01',
      end: '2025-10-31',
      n: 20,
      stamped: 20,
    },
    {
      id: second.loadId,
      file: 'lin_2025_11.csv',
      period: '2025-11',
      start: '2025-11-01',
      end: '2025-11-30',
      n: 30,
      stamped: 30,
    },
    {
      id: third.loadId,
      file: 'lin_2024_02.csv',
      period: '2024-02',
      start: '2024-02-01',
      end: '2024-02-29',
      n: 5,
      stamped: 5,
    },
  ]);
  const { rows: defaults } = await db.pool.query(
    `SELECT pg_get_expr(d.adbin, d.adrelid) AS expr FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
      WHERE d.adrelid = 'staging_test.tbl_raw_lineage'::regclass AND a.attname = '_load_id'`,
  );
  assert.match(defaults[0].expr, /current_setting/, 'no load id is left behind as a constant default');
});

test('a raw fullload stamps its own lineage and leaves the general defaults behind', async () => {
  const code = 'raw_full';
  const full = (file: string) =>
    loadFile(db.pool, {
      file,
      workspace: ws,
      sourceCode: code,
      test: true,
      mode: 'fullload',
      config: config(),
      user: 'tester',
    });
  const first = await full(write('full_2025_10.csv', [header, ...body(20)]));
  const second = await full(write('full_2025_11.csv', [header, ...body(30)]));
  assert.equal(second.readPath, 'raw');
  assert.equal(second.rowsDeleted, 20);
  const { rows } = await db.pool.query(
    `SELECT _load_id::text AS id, _source_file AS file, _period_start::text AS start, count(*)::int AS n
       FROM staging_test.tbl_raw_full GROUP BY 1, 2, 3`,
  );
  assert.deepEqual(rows, [{ id: second.loadId, file: 'full_2025_11.csv', start: '2025-11-01', n: 30 }]);
  assert.notEqual(first.loadId, second.loadId);
  const { rows: defaults } = await db.pool.query(
    `SELECT a.attname AS name, pg_get_expr(d.adbin, d.adrelid) AS expr
       FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
      WHERE d.adrelid = 'staging_test.tbl_raw_full'::regclass AND a.attname IN ('_load_id', '_source_file')`,
  );
  for (const d of defaults) assert.match(d.expr, /current_setting/, `${d.name}: no constant left behind`);
  assert.equal(defaults.length, 2);
});

test('suppression markers go the raw path as empty fields: every marker in the file is counted', async () => {
  const lines = [header];
  // ~2.5 MB with a marker every 1,000 rows, so the sample sees only some; quoted, spaced and
  // bracketed spellings, and markers and null tokens in a date column too
  const markers = ['*', '"*"', ' [c] ', ':', '-', '..', 'x', '–'];
  for (let i = 0; i < 40_000; i++) {
    const amount = i % 1000 === 7 ? markers[((i / 1000) % markers.length) | 0]! : (i / 4).toFixed(2);
    const day = i % 5000 === 9 ? 'N/A' : i % 5000 === 11 ? '[z]' : '2025-01-01';
    lines.push(`${i},Name ${i} padding padding padding,${amount},${day},q`);
  }
  const file = write('many_stars.csv', lines);
  const r = await load(file, 'raw_many');
  assert.equal(r.readPath, 'raw');
  assert.equal(r.refined, false);
  assert.equal(r.rowsSuppressed, 48, '40 amounts and 8 days; N/A is a missing value, not suppression');
  const { rows: nulls } = await db.pool.query(
    `SELECT count(*) FILTER (WHERE amount IS NULL)::int AS amounts, count(*) FILTER (WHERE day IS NULL)::int AS days
       FROM staging_test.tbl_raw_many`,
  );
  assert.deepEqual(nulls[0], { amounts: 40, days: 16 });
  // the typed reader (a file it must read: `1,000` beside the markers) loads the same
  const typed = await load(
    write('many_stars_typed.csv', [...lines, '40000,x,"1,000",2025-01-01,q']),
    'raw_many_typed',
  );
  assert.equal(typed.readPath, 'typed');
  assert.equal(typed.rowsSuppressed, 48);
  const compare = `SELECT count(*)::int AS n FROM (SELECT id, amount, day FROM staging_test.tbl_raw_many
     EXCEPT SELECT id, amount, day FROM staging_test.tbl_raw_many_typed) d`;
  assert.equal((await db.pool.query(compare)).rows[0].n, 0, 'row for row what the typed reader loads');
});
