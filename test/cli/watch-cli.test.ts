import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';

const db = await createTestDatabase();
const env = { DATABASE_URL: db.url, DATAWARP_USER: 'cli-tester' };
const cwd = tempDir('datawarp-watch-cli-');
const FAST = ['--interval', '50ms', '--stable-checks', '3'];

function newRoot(name: string): string {
  return path.join(tempDir('datawarp-watch-cli-'), name);
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

test('watch --help has examples; a bad duration is a one-line usage error', async () => {
  const help = await runCli(['watch', '--help'], { env, cwd });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:\n\s+\$ datawarp watch/);
  assert.match(help.stdout, /--interval <duration>.*\(default: 15s\)/s);
  const bad = await runCli(['watch', '--interval', 'soon'], { env, cwd });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"soon" is not a duration/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, 'x');
  const notDir = await runCli(['watch', path.join(file, 'dropoff'), '--once'], { env, cwd });
  assert.equal(notDir.code, 2);
  assert.match(
    notDir.stderr,
    /^datawarp: .*a-file\/dropoff: cannot create the drop folder tree: ENOTDIR\nhint: /,
  );
});

test('watch --once creates the tree in the workspace, loads a drop and shows it in status', async () => {
  const ws = tempDir('datawarp-watch-ws-');
  const first = await runCli(['--workspace', ws, 'watch', '--once', ...FAST], { env, cwd });
  assert.equal(first.code, 0, first.stderr);
  for (const leaf of ['reference_data_table/fullload', 'none_reference_data_table/append'])
    assert.ok(fs.statSync(path.join(ws, 'dropoff', leaf, 'processed')).isDirectory());

  fs.writeFileSync(
    path.join(ws, 'dropoff/reference_data_table/fullload/COUNTRY_CODES_2024-12-01.CSV'),
    'code;name\nGB;United Kingdom\nFR;France\n',
  );
  const run = await runCli(['--workspace', ws, 'watch', '--once', '--json', ...FAST], { env, cwd });
  assert.equal(run.code, 0, run.stderr);
  const events = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; status?: string; table?: string; schema?: string });
  const loaded = events.find((e) => e.event === 'file');
  assert.deepEqual([loaded?.status, loaded?.schema, loaded?.table], ['processed', 'ref', 'country_codes']);
  assert.equal(await count('SELECT count(*) AS n FROM ref.country_codes'), 2);

  const status = await runCli(['watch', 'status', '--json'], { env, cwd });
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as {
    recent: { file_name: string; status: string; detected_delimiter: string }[];
  };
  const row = s.recent.find((r) => r.file_name === 'COUNTRY_CODES_2024-12-01.CSV');
  assert.deepEqual([row?.status, row?.detected_delimiter], ['processed', ';']);
  const text = await runCli(['watch', 'status'], { env, cwd });
  assert.match(
    text.stdout,
    /recent \(\d+\)[\s\S]*processed\s+COUNTRY_CODES_2024-12-01\.CSV\s+ref\.country_codes\s+2/,
  );
});

test('watch settings come from datawarp.yaml when no flag gives them; a flag wins', async () => {
  const ws = tempDir('datawarp-watch-yaml-');
  fs.writeFileSync(
    path.join(ws, 'datawarp.yaml'),
    'watch:\n  dir: drops\n  interval: 50ms\n  stable_checks: 2\n  review: true\n',
  );
  const fromYaml = await runCli(['--workspace', ws, 'watch', '--once'], { env, cwd });
  assert.equal(fromYaml.code, 0, fromYaml.stderr);
  assert.match(
    fromYaml.stdout,
    new RegExp(
      `watching ${path.join(ws, 'drops')} every 50ms; a file is loaded after 2 unchanged checks \\(review mode\\)`,
    ),
  );
  assert.ok(fs.statSync(path.join(ws, 'drops', 'reference_data_table/append/processed')).isDirectory());
  const flagged = await runCli(['--workspace', ws, 'watch', '--once', '--stable-checks', '3'], { env, cwd });
  assert.match(flagged.stdout, /every 50ms; a file is loaded after 3 unchanged checks/);

  fs.writeFileSync(path.join(ws, 'datawarp.yaml'), 'watch:\n  interval: soon\n');
  const bad = await runCli(['--workspace', ws, 'watch', '--once'], { env, cwd });
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /^datawarp: .*datawarp\.yaml: watch\.interval: must be a duration like 15s.* \(line 2\)\nhint: /,
  );
});

test('approve and reject from the command line; unknown and finished ids are refused', async () => {
  const root = newRoot('dropoff');
  fs.mkdirSync(path.join(root, 'none_reference_data_table/fullload'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'none_reference_data_table/fullload/wards.csv'),
    'ward,beds\nA1,12\nB2,8\n',
  );
  const held = await runCli(['watch', root, '--once', '--review', ...FAST], { env, cwd });
  assert.equal(held.code, 0, held.stderr);
  const m = /#(\d+) waiting for review: wards\.csv \(datawarp watch approve \d+/.exec(held.stdout);
  assert.ok(m, held.stdout);
  const id = m[1]!;
  const approve = await runCli(['watch', 'approve', id, '--table', 'ward_beds'], { env, cwd });
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, /loaded wards\.csv: 2 rows into staging\.ward_beds/);
  assert.equal(await count('SELECT sum(beds) AS n FROM staging.ward_beds'), 20);

  const again = await runCli(['watch', 'approve', id], { env, cwd });
  assert.equal(again.code, 7);
  assert.match(again.stderr, /is processed, not waiting for review/);
  const missing = await runCli(['watch', 'reject', '999999'], { env, cwd });
  assert.equal(missing.code, 6);
  assert.match(missing.stderr, /no dropped file has tracking id 999999\nhint: /);
});

test('two watchers on one folder process each of 50 files exactly once', async () => {
  const root = newRoot('dropoff');
  const leaf = path.join(root, 'none_reference_data_table/append');
  fs.mkdirSync(leaf, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < 50; i++) {
    const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10).replace(/-/g, '');
    const name = `items_${day}.csv`;
    names.push(name);
    fs.writeFileSync(path.join(leaf, name), `item,qty\nfile${i}-a,${i}\nfile${i}-b,${i + 1}\n`);
  }
  const args = ['watch', root, '--once', '--json', ...FAST];
  const [a, b] = await Promise.all([runCli(args, { env, cwd }), runCli(args, { env, cwd })]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const done = [a, b].flatMap((r) =>
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; status?: string; id?: string })
      .filter((e) => e.event === 'file'),
  );
  assert.equal(done.length, 50, 'fifty file outcomes between the two watchers');
  assert.deepEqual(
    done.filter((e) => e.status !== 'processed'),
    [],
  );
  assert.equal(new Set(done.map((e) => e.id)).size, 50, 'no file handled twice');

  assert.equal(await count('SELECT count(*) AS n FROM staging.items'), 100);
  const perFile = await db.pool.query<{ f: string; n: string; loads: string }>(
    'SELECT _source_file AS f, count(*) AS n, count(DISTINCT _load_id) AS loads FROM staging.items GROUP BY 1',
  );
  assert.equal(perFile.rowCount, 50);
  assert.ok(perFile.rows.every((r) => r.n === '2' && r.loads === '1'));
  assert.equal(
    await count(`SELECT count(*) AS n FROM ref.file_monitor_tracking WHERE starts_with(file_path, $1)`, [
      root,
    ]),
    50,
  );
  assert.equal(fs.readdirSync(path.join(leaf, 'processed')).length, 50);
  assert.deepEqual(
    fs.readdirSync(leaf).filter((f) => f.endsWith('.csv')),
    [],
  );
});

test('SIGTERM during a load rolls it back, leaves the file in place, and exits cleanly', async () => {
  const root = newRoot('dropoff');
  const leaf = path.join(root, 'reference_data_table/fullload');
  fs.mkdirSync(leaf, { recursive: true });
  const file = path.join(leaf, 'postcodes.csv');
  const lines = ['postcode,lat,lon,district'];
  for (let i = 0; i < 400_000; i++)
    lines.push(`AB${i} ${i % 9}XY,${(51 + i / 1e6).toFixed(6)},${(-0.1 - i / 1e6).toFixed(6)},D${i % 400}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const bytes = fs.statSync(file).size;

  const child = spawn(process.execPath, [BIN, 'watch', root, ...FAST], {
    cwd,
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // wait until the COPY into ref.postcodes is running, then stop the watcher
  let copying = false;
  for (let i = 0; i < 600 && !copying; i++) {
    copying =
      (await count(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY "ref"."postcodes"%'`,
      )) > 0;
    if (!copying) await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(copying, 'saw the load running');
  child.kill('SIGTERM');
  const code = await exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /SIGTERM: stopping/);
  assert.equal(
    (await db.pool.query(`SELECT to_regclass('ref.postcodes') AS t`)).rows[0].t,
    null,
    'no table, no partial rows',
  );
  assert.ok(fs.existsSync(file), 'the file is back in place');
  assert.equal(fs.statSync(file).size, bytes);
  const { rows } = await db.pool.query<{ status: string }>(
    `SELECT status FROM ref.file_monitor_tracking WHERE file_path = $1`,
    [file],
  );
  assert.deepEqual(
    rows.map((r) => r.status),
    ['waiting'],
  );
  assert.equal(
    await count(
      `SELECT count(*) AS n FROM datawarp.tbl_load_events WHERE target_table = 'postcodes' AND load_status = 'completed'`,
    ),
    0,
  );
});
