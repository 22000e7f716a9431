import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';

const db = await createTestDatabase();
const env = { DATABASE_URL: db.url, DATAWARP_USER: 'cli-tester' };
const cwd = tempDir('datawarp-load-cli-');
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await db.pool.query(sql, params)).rows as T[];

const register = (code: string, extra: string[] = []) =>
  runCli(
    [
      'register',
      code,
      '--publication',
      'Pub',
      '--domain',
      'Dom',
      '--owner',
      'o@nhs.net',
      '--purpose',
      'cli tests',
      ...extra,
    ],
    { env, cwd },
  );

function write(name: string, text: string): string {
  const file = path.join(cwd, name);
  fs.writeFileSync(file, text);
  return file;
}

const messy = [
  'Patients Registered at a GP Practice, November 2025',
  'Source: NHS England',
  '',
  'Practice Code,Practice Name,ICB,Patients,Share %,Extract Date',
  ...Array.from({ length: 40 }, (_, i) =>
    [
      `P${100 + i}`,
      i === 3 ? '"Smith, Jones & Partners"' : `Practice ${i}`,
      `ICB${i % 3}`,
      i % 7 === 0 ? '*' : String(1000 + i * 13),
      (i / 10).toFixed(1),
      '01/11/2025',
    ].join(','),
  ),
  '',
  'Notes: * = suppressed (fewer than 5 patients)',
].join('\n');

test('load a messy publication: preamble and footer left out, suppressed cells null, all audited', async () => {
  assert.equal((await register('gp_lists', ['--validation-required', 'false'])).code, 0);
  const file = write('gp_lists_2025_11.csv', messy);
  const r = await runCli(['load', file, '--source', 'gp_lists', '--json'], { env, cwd });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'completed');
  assert.equal(out.rowsLoaded, 40);
  assert.equal(out.table, 'tbl_gp_lists');
  assert.equal(out.period.code, '2025-11');
  assert.equal(out.rowsSuppressed, 6);
  const rows = await q<{
    practice_code: string;
    practice_name: string;
    patients: number | null;
    extract_date: string;
  }>(
    'SELECT practice_code, practice_name, patients, extract_date::text FROM staging.tbl_gp_lists ORDER BY practice_code',
  );
  assert.equal(rows.length, 40);
  assert.equal(rows[3]!.practice_name, 'Smith, Jones & Partners');
  assert.equal(rows[0]!.patients, null, 'suppressed * loads as null');
  assert.equal(rows[1]!.patients, 1013);
  assert.equal(rows[0]!.extract_date, '2025-11-01');
  const types = await q<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'staging' AND table_name = 'tbl_gp_lists'`,
  );
  const t = Object.fromEntries(types.map((c) => [c.column_name, c.data_type]));
  assert.equal(t.patients, 'integer');
  assert.equal(t.extract_date, 'date');
  const [ev] = await q<{ load_status: string; rows_loaded: string; loaded_by: string; file_sha256: string }>(
    'SELECT load_status, rows_loaded, loaded_by, file_sha256 FROM datawarp.tbl_load_events WHERE load_id = $1',
    [out.loadId],
  );
  assert.equal(ev!.load_status, 'completed');
  assert.equal(ev!.loaded_by, 'cli-tester');
  assert.match(ev!.file_sha256, /^[0-9a-f]{64}$/);

  const human = await runCli(['load', file, '--source', 'gp_lists'], { env, cwd });
  assert.equal(human.code, 0);
  assert.match(human.stdout, /skipped: this file was already loaded as load \d+ \(40 rows\); use --force/);
  const forced = await runCli(['load', file, '--source', 'gp_lists', '--force'], { env, cwd });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(
    forced.stdout,
    /loaded gp_lists_2025_11\.csv → staging\.tbl_gp_lists \(load \d+, replace, period 2025-11\)/,
  );
  assert.match(forced.stdout, /40 rows loaded, 6 suppressed cells as null, 40 earlier rows replaced/);
  assert.match(forced.stdout, /validation: warn/);
  assert.match(forced.stdout, /⚠ metadata\/descriptions/);
});

test('types come from the whole file: a stray value in the middle of 20,000 rows still loads', async () => {
  const lines = ['Org,Value,Day'];
  // past the head sample and before the tail sample detection reads
  for (let i = 0; i < 20000; i++) lines.push(`o${i},${i === 9000 ? 'see note 4' : i},2025-10-01`);
  const file = write('stray.csv', lines.join('\n') + '\n');
  const r = await runCli(['load', file, '--source', 'stray', '--test', '--json'], { env, cwd });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.rowsLoaded, 20000);
  assert.equal(out.schema, 'staging_test');
  const [col] = await q<{ data_type: string }>(
    `SELECT data_type FROM information_schema.columns WHERE table_schema = 'staging_test' AND table_name = 'tbl_stray' AND column_name = 'value'`,
  );
  assert.equal(col!.data_type, 'text');
  const [row] = await q<{ value: string }>(`SELECT value FROM staging_test.tbl_stray WHERE org = 'o9000'`);
  assert.equal(row!.value, 'see note 4');
});

test('unregistered sources are refused with a hint; bad files and periods get one-line errors', async () => {
  const file = write('plain.csv', 'a,b\n1,2\n');
  const refused = await runCli(['load', file, '--source', 'unknown_src'], { env, cwd });
  assert.equal(refused.code, 6);
  assert.match(refused.stderr, /source unknown_src is not registered/);
  assert.match(refused.stderr, /hint: register it first.*--test/);
  const missing = await runCli(['load', path.join(cwd, 'nope.csv'), '--source', 'gp_lists'], { env, cwd });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /nope\.csv/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
  const period = await runCli(['load', file, '--source', 'gp_lists', '--period', 'Novembre'], { env, cwd });
  assert.equal(period.code, 2);
  assert.match(period.stderr, /--period "Novembre"/);
  const mode = await runCli(['load', file, '--source', 'gp_lists', '--mode', 'merge'], { env, cwd });
  assert.equal(mode.code, 2);
});

test('hostile headers load as data under safe identifiers', async () => {
  await db.pool.query('CREATE TABLE public.x (id int)');
  const long = 'Very long header '.repeat(18).trim();
  assert.ok(long.length >= 300);
  const rows = Array.from({ length: 12 }, (_, i) => `${i},v${i},w${i}`);
  const file = write('hostile.csv', [`id,"""); DROP TABLE x; --","${long}"`, ...rows].join('\n') + '\n');
  const r = await runCli(['load', file, '--source', 'hostile', '--test', '--json'], { env, cwd });
  assert.equal(r.code, 0, r.stderr);
  const [{ exists }] = (await q<{ exists: boolean }>(
    `SELECT to_regclass('public.x') IS NOT NULL AS exists`,
  )) as [{ exists: boolean }];
  assert.equal(exists, true, 'table x survived');
  const cols = await q<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging_test' AND table_name = 'tbl_hostile'
      AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position`,
  );
  assert.equal(cols.length, 3);
  for (const c of cols) {
    assert.match(c.column_name, /^[a-z_][a-z0-9_]*$/, `safe identifier: ${c.column_name}`);
    assert.ok(Buffer.byteLength(c.column_name) <= 63);
  }
  const comments = await q<{ comment: string }>(
    `SELECT col_description('staging_test.tbl_hostile'::regclass, ordinal_position::int) AS comment
       FROM information_schema.columns WHERE table_schema = 'staging_test' AND table_name = 'tbl_hostile' AND column_name NOT LIKE '\\_%'
      ORDER BY ordinal_position`,
  );
  assert.deepEqual(
    comments.slice(0, 2).map((c) => c.comment),
    ['id', '"); DROP TABLE x; --'],
    'original headers kept as data',
  );
  // the engine decides what a 300-character header is called; whatever it is, the values land
  const third = cols[2]!.column_name;
  const values = await q<{ v: string }>(
    `SELECT ${'"' + third + '"'} AS v FROM staging_test.tbl_hostile ORDER BY id`,
  );
  assert.deepEqual(
    values.map((v) => v.v),
    Array.from({ length: 12 }, (_, i) => `w${i}`),
  );
  const [{ n }] = (await q<{ n: string }>('SELECT count(*) AS n FROM staging_test.tbl_hostile')) as [
    { n: string },
  ];
  assert.equal(n, '12');
});

test('a URL loads through the download cache, named after the URL', async () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/data/sitrep_2025_10.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(['Trust,Delayed', ...Array.from({ length: 15 }, (_, i) => `T${i},${i * 2}`)].join('\n') + '\n');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data/sitrep_2025_10.csv`;
  assert.equal((await register('sitrep_url', ['--validation-required', 'false'])).code, 0);
  const r = await runCli(['load', url, '--source', 'sitrep_url', '--json'], { env, cwd });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.rowsLoaded, 15);
  assert.equal(out.file, 'sitrep_2025_10.csv');
  assert.equal(out.period.code, '2025-10');
  const [ev] = await q<{ file_reference: string }>(
    'SELECT file_reference FROM datawarp.tbl_load_events WHERE load_id = $1',
    [out.loadId],
  );
  assert.equal(ev!.file_reference, url);
  assert.ok(fs.existsSync(path.join(cwd, 'downloads')), 'cached under the workspace');
  const gone = await runCli(['load', url.replace('sitrep', 'nothing'), '--source', 'sitrep_url'], {
    env,
    cwd,
  });
  assert.equal(gone.code, 3);
  assert.match(gone.stderr, /404/);
});

function bigCsv(name: string, rows: number): string {
  const file = path.join(cwd, name);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'Id,Name,Amount,Day\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${i},name ${i},${(i % 1000) + 0.25},2025-01-${String((i % 28) + 1).padStart(2, '0')}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return file;
}

function startLoad(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, closed, stderr: () => stderr };
}

async function waitForCopy(code: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const rows = await q(
      `SELECT 1 FROM datawarp.tbl_load_events e
         JOIN pg_stat_activity a ON a.query LIKE 'COPY %' AND a.datname = current_database()
        WHERE e.source_code = $1 AND e.load_status = 'in_progress'`,
      [code],
    );
    if (rows.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the load never reached COPY');
}

test('Ctrl-C during COPY rolls back, records `cancelled` and exits 130', async () => {
  const file = bigCsv('big_cancel.csv', 1_500_000);
  const run = startLoad(['load', file, '--source', 'cancelled_src', '--test']);
  await waitForCopy('cancelled_src');
  run.child.kill('SIGINT');
  assert.equal(await run.closed, 130, run.stderr());
  assert.match(run.stderr(), /cancelled by SIGINT/);
  const [ev] = await q<{ load_status: string }>(
    `SELECT load_status FROM datawarp.tbl_load_events WHERE source_code = 'cancelled_src'`,
  );
  assert.equal(ev!.load_status, 'cancelled');
  const [{ exists }] = (await q<{ exists: boolean }>(
    `SELECT to_regclass('staging_test.tbl_cancelled_src') IS NOT NULL AS exists`,
  )) as [{ exists: boolean }];
  assert.equal(exists, false);
});

test('a killed `datawarp load` leaves nothing, and the next load marks its event failed', async () => {
  const file = path.join(cwd, 'big_cancel.csv');
  const run = startLoad(['load', file, '--source', 'killed_src', '--test']);
  await waitForCopy('killed_src');
  run.child.kill('SIGKILL');
  await run.closed;
  const [ev] = await q<{ load_id: string; load_status: string }>(
    `SELECT load_id, load_status FROM datawarp.tbl_load_events WHERE source_code = 'killed_src'`,
  );
  assert.equal(ev!.load_status, 'in_progress');
  const small = write(
    'small_after_kill.csv',
    'a,b\n' + Array.from({ length: 12 }, (_, i) => `${i},${i}`).join('\n') + '\n',
  );
  for (let i = 0; i < 100; i++) {
    const [{ n }] = (await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY %'`,
    )) as [{ n: number }];
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const next = await runCli(['load', small, '--source', 'killed_src', '--test'], { env, cwd });
  assert.equal(next.code, 0, next.stderr);
  const [after] = await q<{ load_status: string; error_message: string }>(
    'SELECT load_status, error_message FROM datawarp.tbl_load_events WHERE load_id = $1',
    [ev!.load_id],
  );
  assert.equal(after!.load_status, 'failed');
  const [{ n }] = (await q<{ n: string }>('SELECT count(*) AS n FROM staging_test.tbl_killed_src')) as [
    { n: string },
  ];
  assert.equal(n, '12', 'only the second load rows: nothing of the killed one');
});

test('schema-changes: list, approve and reject from the command line', async () => {
  assert.equal(
    (await register('wide_src', ['--load-mode', 'append', '--validation-required', 'false'])).code,
    0,
  );
  const base = write(
    'wide1.csv',
    'Org,A\n' + Array.from({ length: 12 }, (_, i) => `o${i},${i}`).join('\n') + '\n',
  );
  assert.equal((await runCli(['load', base, '--source', 'wide_src'], { env, cwd })).code, 0);
  const wide = write(
    'wide2.csv',
    'Org,A,B,C,D,E,F\n' + Array.from({ length: 12 }, (_, i) => `o${i},${i},1,2,3,4,5`).join('\n') + '\n',
  );
  const held = await runCli(['load', wide, '--source', 'wide_src'], { env, cwd });
  assert.equal(held.code, 0, held.stderr);
  assert.match(
    held.stdout,
    /5 new columns held for review \(b, c, d, e, f\); loaded the existing columns only/,
  );
  const list = await runCli(['schema-changes', 'list', '--json'], { env, cwd });
  const changes = JSON.parse(list.stdout) as { change_id: string; source_code: string; status: string }[];
  assert.deepEqual(
    changes.map((c) => [c.source_code, c.status]),
    [['wide_src', 'pending']],
  );
  const human = await runCli(['schema-changes'], { env, cwd });
  assert.match(human.stdout, /wide_src.*add_columns.*pending.*add b, c, d, e, f/);
  const ok = await runCli(['schema-changes', 'approve', changes[0]!.change_id], { env, cwd });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /added b, c, d, e, f/);
  const again = await runCli(['schema-changes', 'reject', changes[0]!.change_id], { env, cwd });
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already approved/);
  const missing = await runCli(['schema-changes', 'approve', '99999'], { env, cwd });
  assert.equal(missing.code, 6);
});

test('demo loads a messy publication into a fresh workspace, and a second run skips what it loaded', async () => {
  const ws = tempDir('datawarp-demo-');
  const first = await runCli(['demo', '--json'], { env, cwd: ws });
  assert.equal(first.code, 0, first.stderr);
  const out = JSON.parse(first.stdout) as {
    loads: { status: string; rowsLoaded: number; rowsSuppressed: number; sourceCode: string }[];
    tables: { source: string; rows: string; periods: string[] }[];
  };
  assert.deepEqual(
    out.loads.map((l) => [l.sourceCode, l.status]),
    [
      ['demo_gp_patients', 'completed'],
      ['demo_gp_patients', 'completed'],
      ['demo_ae_provider', 'completed'],
      ['demo_ae_icb', 'completed'],
    ],
  );
  assert.ok(out.loads[0]!.rowsSuppressed > 0, 'suppressed cells counted');
  const gp = out.tables.find((t) => t.source === 'demo_gp_patients')!;
  assert.deepEqual(gp.periods, ['2025-11', '2025-12']);
  assert.equal(Number(gp.rows), out.loads[0]!.rowsLoaded + out.loads[1]!.rowsLoaded);
  // the title rows and footnotes did not land as data
  const notes = await q(
    `SELECT 1 FROM staging.tbl_demo_gp_patients WHERE practice_code ILIKE '%note%' OR practice_code ILIKE 'patients registered%'`,
  );
  assert.equal(notes.length, 0);

  const second = await runCli(['demo'], { env, cwd: ws });
  assert.equal(second.code, 0, second.stderr);
  assert.equal((second.stdout.match(/skipped \(already loaded\)/g) ?? []).length, 4);
  assert.match(second.stdout, /staging\.tbl_demo_gp_patients/);
  assert.match(second.stdout, /psql "\$\(datawarp db url\)"/);
});

test('a sheet called ../../etc is only a name: its table loads under the source table', async () => {
  const XLSX = await import('@e965/xlsx');
  const wb = XLSX.utils.book_new();
  const rows: (string | number)[][] = [['Org', 'Value']];
  for (let i = 0; i < 12; i++) rows.push([`o${i}`, i]);
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'PLACEHOLDER');
  // Excel refuses `/` in sheet names, so write a legal name and rename it inside the zip
  const cfb = XLSX.CFB.read(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer, {
    type: 'buffer',
  });
  const entry = cfb.FileIndex[cfb.FullPaths.findIndex((p: string) => p.endsWith('xl/workbook.xml'))]!;
  entry.content = Buffer.from(
    Buffer.from(entry.content as Uint8Array)
      .toString('utf8')
      .replace('name="PLACEHOLDER"', 'name="../../etc"'),
  );
  const file = path.join(cwd, 'evil.xlsx');
  fs.writeFileSync(file, XLSX.CFB.write(cfb, { type: 'buffer', fileType: 'zip' }) as Buffer);
  const before = fs.readdirSync(cwd).sort();
  const r = await runCli(
    ['load', file, '--source', 'evil_sheet', '--sheet', '../../etc', '--test', '--json'],
    { env, cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.table, 'tbl_evil_sheet');
  assert.equal(out.rowsLoaded, 12);
  const loaded = await q<{ org: string; value: number }>(
    'SELECT org, value FROM staging_test.tbl_evil_sheet ORDER BY value',
  );
  assert.deepEqual(loaded[11], { org: 'o11', value: 11 });
  assert.deepEqual(fs.readdirSync(cwd).sort(), before, 'nothing written in the workspace');
  assert.ok(!fs.existsSync(path.resolve(cwd, '..', 'etc')), 'nothing written next to it');
  const [ev] = await q<{ spec: { sheet: string } }>(
    'SELECT spec FROM datawarp.tbl_load_events WHERE load_id = $1',
    [out.loadId],
  );
  assert.equal(ev!.spec.sheet, '../../etc', 'the sheet name is kept as data in the load event');
});

test('--validate with a gate set to fail in datawarp.yaml rolls back and exits 5 with the report', async () => {
  const ws = tempDir('datawarp-validate-');
  fs.writeFileSync(path.join(ws, 'datawarp.yaml'), 'validation:\n  levels:\n    min_rows: fail\n');
  const file = path.join(ws, 'tiny.csv');
  fs.writeFileSync(file, 'Org,Count\n' + Array.from({ length: 5 }, (_, i) => `o${i},${i}`).join('\n') + '\n');
  const r = await runCli(['load', file, '--source', 'tiny_src', '--test', '--validate'], { env, cwd: ws });
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stdout, /rolled back tiny\.csv/);
  assert.match(r.stdout, /✗ row_count\/min_rows: only 5 rows/);
  assert.match(r.stderr, /validation failed, the load was rolled back/);
  const [{ exists }] = (await q<{ exists: boolean }>(
    `SELECT to_regclass('staging_test.tbl_tiny_src') IS NOT NULL AS exists`,
  )) as [{ exists: boolean }];
  assert.equal(exists, false);
  const [ev] = await q<{ load_status: string; spec_hash: string | null }>(
    `SELECT load_status, spec_hash FROM datawarp.tbl_load_events WHERE source_code = 'tiny_src'`,
  );
  assert.equal(ev!.load_status, 'rolled_back');

  fs.writeFileSync(path.join(ws, 'datawarp.yaml'), 'validation:\n  levels:\n    min_rows: loud\n');
  const bad = await runCli(['load', file, '--source', 'tiny_src', '--test'], { env, cwd: ws });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /datawarp\.yaml: validation\.levels\.min_rows: .*\(line 3\)/);
});
