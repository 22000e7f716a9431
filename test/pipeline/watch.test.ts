import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import * as XLSX from '@e965/xlsx';
import pg from 'pg';
import { registerSource } from '../../src/lifecycle/registry.js';
import {
  approveFile,
  rejectFile,
  runWatcher,
  type WatchEvent,
  type WatchOptions,
} from '../../src/pipeline/watch/index.js';
import { ensureDropTree } from '../../src/pipeline/watch/tree.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { makeZip } from '../engine/read/zip-fixture.js';

const db = await createTestDatabase();
const INTERVAL = 50;
const CHECKS = 3;

const REF_FULL = 'reference_data_table/fullload';
const REF_APPEND = 'reference_data_table/append';
const STG_APPEND = 'none_reference_data_table/append';

function newRoot(): string {
  const root = path.join(tempDir('datawarp-watch-'), 'dropoff');
  ensureDropTree(root);
  return root;
}

function drop(root: string, leaf: string, name: string, content: string | Buffer): string {
  const p = path.join(root, leaf, name);
  fs.writeFileSync(p, content);
  return p;
}

/** Run a watcher until every file present is dealt with; returns its events. */
/** The watcher as the tests run it: short interval, few checks, one watcher per run. */
function watchOptions(root: string): WatchOptions {
  return {
    root,
    intervalMs: INTERVAL,
    stableChecks: CHECKS,
    once: true,
    review: false,
    keepBackups: 5,
    staleClaimMs: 30_000,
    signal: new AbortController().signal,
    user: 'tester',
  };
}

async function watchOnce(
  root: string,
  extra: { review?: boolean; keepBackups?: number; pool?: pg.Pool; signal?: AbortSignal } = {},
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  await runWatcher(extra.pool ?? db.pool, {
    ...watchOptions(root),
    once: true,
    review: extra.review ?? false,
    keepBackups: extra.keepBackups ?? 5,
    signal: extra.signal ?? new AbortController().signal,
    onEvent: (e) => events.push(e),
  });
  return events;
}

const outcomes = (events: WatchEvent[]) => events.flatMap((e) => (e.kind === 'file' ? [e.outcome] : []));

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query<T>(sql, params)).rows;
}

async function tracking(name: string) {
  return query<{
    id: string;
    status: string;
    table_name: string | null;
    target_schema: string | null;
    moved_to: string | null;
    file_hash: string | null;
    detected_delimiter: string | null;
    detected_encoding: string | null;
    detected_headers: string[] | null;
    load_id: string | null;
    rows_loaded: string | null;
    error_category: string | null;
    backup_table: string | null;
  }>('SELECT * FROM ref.file_monitor_tracking WHERE file_name = $1 ORDER BY id', [name]);
}

function listDir(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

const airports1 =
  'iata,name,city\nLHR,Heathrow,London\nCDG,Charles de Gaulle,Paris\nJFK,John F Kennedy,New York\n';
const airports2 = 'iata,name,city\nAMS,Schiphol,Amsterdam\nFRA,Frankfurt,Frankfurt\n';
const airports3 = 'iata,name,city\nMAD,Barajas,Madrid\n';

test('reference fullload: first load creates ref.<table> and its config row; a reload backs up first', async () => {
  const root = newRoot();
  const first = drop(root, REF_FULL, 'airports_20241201.csv', airports1);
  const events = await watchOnce(root);
  const [o1] = outcomes(events);
  assert.equal(o1?.kind, 'processed', JSON.stringify(o1));
  assert.deepEqual(
    (await query<{ iata: string }>('SELECT iata FROM ref.airports ORDER BY iata')).map((r) => r.iata),
    ['CDG', 'JFK', 'LHR'],
  );
  assert.ok(!fs.existsSync(first), 'the file left the drop folder');
  const processed = listDir(path.join(root, REF_FULL, 'processed'));
  assert.equal(processed.length, 1);
  assert.match(processed[0]!, /^\d{8}T\d{6}_airports_20241201\.csv$/);
  assert.equal(fs.readFileSync(path.join(root, REF_FULL, 'processed', processed[0]!), 'utf8'), airports1);

  const [t1] = await tracking('airports_20241201.csv');
  assert.equal(t1?.status, 'processed');
  assert.equal(t1?.target_schema, 'ref');
  assert.equal(t1?.table_name, 'airports');
  assert.equal(t1?.detected_delimiter, ',');
  assert.deepEqual(t1?.detected_headers, ['iata', 'name', 'city']);
  assert.equal(t1?.rows_loaded, '3');
  assert.match(t1?.file_hash ?? '', /^[0-9a-f]{64}$/);
  const [cfg] = await query<{
    table_name: string;
    source_file: string;
    load_type: string;
    load_count: number;
    is_active: boolean;
  }>('SELECT * FROM ref.reference_data_cfg');
  assert.deepEqual(
    [cfg?.table_name, cfg?.source_file, cfg?.load_type, cfg?.load_count, cfg?.is_active],
    ['airports', 'airports_20241201.csv', 'fullload', 1, true],
  );
  const [event] = await query<{ load_status: string; rows_loaded: string; source_code: string }>(
    'SELECT * FROM datawarp.tbl_load_events WHERE load_id = $1',
    [t1!.load_id],
  );
  assert.deepEqual(
    [event?.load_status, event?.rows_loaded, event?.source_code],
    ['completed', '3', 'ref.airports'],
  );

  // the next month's file replaces the rows, after a backup of the old ones
  drop(root, REF_FULL, 'airports_20250101.csv', airports2);
  const [o2] = outcomes(await watchOnce(root));
  assert.equal(o2?.kind, 'processed');
  assert.deepEqual(
    (await query<{ iata: string }>('SELECT iata FROM ref.airports ORDER BY iata')).map((r) => r.iata),
    ['AMS', 'FRA'],
  );
  const [t2] = await tracking('airports_20250101.csv');
  assert.match(t2?.backup_table ?? '', /^bkp\.airports_\d{8}_\d{6}$/);
  const backup = t2!.backup_table!.split('.')[1]!;
  assert.deepEqual(
    (await query<{ iata: string }>(`SELECT iata FROM bkp."${backup}" ORDER BY iata`)).map((r) => r.iata),
    ['CDG', 'JFK', 'LHR'],
  );
  const [cfg2] = await query<{ source_file: string; load_count: number }>(
    'SELECT * FROM ref.reference_data_cfg',
  );
  assert.deepEqual([cfg2?.source_file, cfg2?.load_count], ['airports_20250101.csv', 2]);

  // with --keep-backups 1 the older backup goes when a new one is taken
  drop(root, REF_FULL, 'airports_20250201.csv', airports3);
  assert.equal(outcomes(await watchOnce(root, { keepBackups: 1 }))[0]?.kind, 'processed');
  const backups = await query<{ relname: string }>(
    `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'bkp' AND relname LIKE 'airports_%' ORDER BY relname`,
  );
  assert.equal(backups.length, 1);
  assert.deepEqual(
    (await query<{ iata: string }>(`SELECT iata FROM bkp."${backups[0]!.relname}" ORDER BY iata`)).map(
      (r) => r.iata,
    ),
    ['AMS', 'FRA'],
    'the kept backup is the newest: the rows just replaced',
  );
});

test('append adds rows to staging; the same content again is a duplicate, moved to processed/', async () => {
  const root = newRoot();
  const jan = 'region,sales\nNorth,10\nSouth,20\n';
  const feb = 'region,sales\nNorth,11\nSouth,21\nEast,5\n';
  drop(root, STG_APPEND, 'sales_2024-01.csv', jan);
  drop(root, STG_APPEND, 'sales_2024-02.csv', feb);
  const got = outcomes(await watchOnce(root));
  assert.deepEqual(
    got.map((o) => o.kind),
    ['processed', 'processed'],
  );
  const [{ n, total }] = (await query<{ n: string; total: string }>(
    'SELECT count(*) AS n, sum(sales) AS total FROM staging.sales',
  )) as [{ n: string; total: string }];
  assert.deepEqual([n, total], ['5', '67']);
  assert.equal(
    (await query(`SELECT 1 FROM ref.reference_data_cfg WHERE table_name = 'sales'`)).length,
    0,
    'no config row for staging data',
  );

  // the January file dropped again under another name: not loaded twice
  drop(root, STG_APPEND, 'sales_2024-01 (1).csv', jan);
  const [dup] = outcomes(await watchOnce(root));
  assert.equal(dup?.kind, 'duplicate', JSON.stringify(dup));
  const [{ n: after }] = (await query<{ n: string }>('SELECT count(*) AS n FROM staging.sales')) as [
    { n: string },
  ];
  assert.equal(after, '5');
  const [t] = await tracking('sales_2024-01 (1).csv');
  assert.equal(t?.status, 'duplicate');
  assert.ok(t?.moved_to && fs.existsSync(t.moved_to), 'the duplicate is in processed/');
  assert.equal(path.basename(path.dirname(t.moved_to)), 'processed');
  assert.equal(fs.readFileSync(t.moved_to, 'utf8'), jan);
});

test('a file matching >= 70 % of an existing table`s columns lands in that table', async () => {
  const root = newRoot();
  drop(root, REF_APPEND, 'carriers.csv', 'code,name,country,alliance\nBA,British Airways,UK,oneworld\n');
  await watchOnce(root);
  // 4 of 5 columns match carriers: same table, with the new column added
  drop(
    root,
    REF_APPEND,
    'airline_list.csv',
    'code,name,country,alliance,hub\nAF,Air France,FR,SkyTeam,CDG\n',
  );
  const [o] = outcomes(await watchOnce(root));
  assert.equal(o?.kind, 'processed');
  assert.equal(o?.kind === 'processed' && o.table, 'carriers');
  const rows = await query<{ code: string; hub: string | null }>(
    'SELECT code, hub FROM ref.carriers ORDER BY code',
  );
  assert.deepEqual(rows, [
    { code: 'AF', hub: 'CDG' },
    { code: 'BA', hub: null },
  ]);
  // 2 of 5: a new table of the file's name
  drop(root, REF_APPEND, 'fleet.csv', 'code,name,aircraft,seats,engines\nBA,747,B744,345,4\n');
  const [o2] = outcomes(await watchOnce(root));
  assert.equal(o2?.kind === 'processed' && o2.table, 'fleet');
});

test('a broken file goes to error/ with its JSON; bytes intact, database unchanged', async () => {
  const root = newRoot();
  const bytes = Buffer.concat([
    Buffer.from('PK\u0003\u0004'),
    Buffer.alloc(200, 0),
    Buffer.from([0xff, 0xfe, 0x00, 0x07]),
  ]);
  const broken = drop(root, STG_APPEND, 'broken_2024.csv', bytes);
  const tablesBefore = await query(
    'SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = $1',
    ['staging'],
  );
  const [o] = outcomes(await watchOnce(root));
  assert.equal(o?.kind, 'error', JSON.stringify(o));
  assert.ok(!fs.existsSync(broken));
  const errDir = path.join(root, STG_APPEND, 'error');
  const files = listDir(errDir);
  assert.equal(files.length, 2, files.join(', '));
  const moved = files.find((f) => f.endsWith('_broken_2024.csv'))!;
  assert.match(moved, /^\d{8}T\d{6}_broken_2024\.csv$/);
  assert.deepEqual(fs.readFileSync(path.join(errDir, moved)), bytes, 'original bytes kept');
  const report = JSON.parse(fs.readFileSync(path.join(errDir, `${moved}.error.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.equal(report.category, 'unreadable_file');
  assert.match(String(report.message), /\w/);
  assert.ok(report.hint, 'a hint for whoever dropped it');
  assert.match(String(report.load_id), /^\d+$/);
  assert.equal(report.file, 'broken_2024.csv');
  assert.match(String(report.sha256), /^[0-9a-f]{64}$/, 'the hash is known even when detection fails');
  assert.ok('detected_format' in report);
  const [t] = await tracking('broken_2024.csv');
  assert.equal(t?.status, 'error');
  assert.equal(t?.error_category, 'unreadable_file');
  const [ev] = await query<{ load_status: string }>(
    'SELECT load_status FROM datawarp.tbl_load_events WHERE load_id = $1',
    [report.load_id],
  );
  assert.equal(ev?.load_status, 'failed');
  const tablesAfter = await query(
    'SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = $1',
    ['staging'],
  );
  assert.deepEqual(tablesAfter, tablesBefore, 'no table created');
});

test('a value that breaks the table rolls the whole file back: rows, backup and config untouched', async () => {
  const root = newRoot();
  drop(root, REF_FULL, 'ports.csv', 'code,depth\nFXT,15\nRTM,24\n');
  await watchOnce(root);
  const backupsBefore = await query(
    `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'bkp'`,
  );
  // depth is a date here: integer columns never widen to date, so the load must fail
  drop(root, REF_FULL, 'ports_v2.csv', 'code,depth\nHAM,2024-01-01\nANR,2024-02-01\n');
  const [o] = outcomes(await watchOnce(root));
  assert.equal(o?.kind, 'error', JSON.stringify(o));
  assert.deepEqual(await query('SELECT code, depth FROM ref.ports ORDER BY code'), [
    { code: 'FXT', depth: 15 },
    { code: 'RTM', depth: 24 },
  ]);
  const backupsAfter = await query(
    `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'bkp'`,
  );
  assert.deepEqual(backupsAfter, backupsBefore, 'the backup taken inside the failed transaction is gone too');
  const [cfg] = await query<{ source_file: string }>(
    `SELECT source_file FROM ref.reference_data_cfg WHERE table_name = 'ports'`,
  );
  assert.equal(cfg?.source_file, 'ports.csv');
});

test('a file written slowly in chunks is not picked up until it stops changing', async () => {
  const root = newRoot();
  const controller = new AbortController();
  const events: WatchEvent[] = [];
  const running = runWatcher(db.pool, {
    ...watchOptions(root),
    once: false,
    signal: controller.signal,
    onEvent: (e) => events.push(e),
  });
  const file = path.join(root, STG_APPEND, 'readings.csv');
  fs.writeFileSync(file, 'sensor,value\n');
  // 12 chunks, one every 60 ms: always changing within 3 x 50 ms
  for (let i = 1; i <= 12; i++) {
    await new Promise((r) => setTimeout(r, 60));
    fs.appendFileSync(file, `s${i},${i}\n`);
    assert.equal(outcomes(events).length, 0, `picked up while still being written (chunk ${i})`);
  }
  const finished = Date.now();
  for (let i = 0; i < 100 && outcomes(events).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  controller.abort();
  await running;
  const [o] = outcomes(events);
  assert.equal(o?.kind, 'processed', JSON.stringify(o));
  assert.ok(Date.now() - finished >= CHECKS * INTERVAL, 'waited for the checks after the last write');
  const [{ n }] = (await query<{ n: string }>('SELECT count(*) AS n FROM staging.readings')) as [
    { n: string },
  ];
  assert.equal(n, '12', 'the whole file, not the part present when first seen');
  assert.equal(events.filter((e) => e.kind === 'detected').length, 1);
});

test('a restarted watcher resumes a file that was waiting; a deleted file is forgotten', async () => {
  const root = newRoot();
  drop(root, STG_APPEND, 'stations.csv', 'code,name\nKGX,Kings Cross\n');
  const gone = drop(root, STG_APPEND, 'gone.csv', 'a,b\n1,2\n');
  // the first watcher stops after two checks: before the file is stable
  const controller = new AbortController();
  const first = runWatcher(db.pool, {
    ...watchOptions(root),
    once: false,
    signal: controller.signal,
  });
  await new Promise((r) => setTimeout(r, INTERVAL * 2.2));
  controller.abort();
  await first;
  const [waiting] = await tracking('stations.csv');
  assert.ok(waiting && ['detected', 'waiting'].includes(waiting.status), waiting?.status);
  assert.ok(fs.existsSync(path.join(root, STG_APPEND, 'stations.csv')));

  fs.rmSync(gone);
  const events = await watchOnce(root);
  assert.deepEqual(
    outcomes(events).map((o) => o.kind),
    ['processed'],
  );
  const rows = await tracking('stations.csv');
  assert.equal(rows.length, 1, 'the same tracking row carried on');
  assert.equal(rows[0]!.id, waiting.id);
  assert.equal(rows[0]!.status, 'processed');
  assert.deepEqual(await tracking('gone.csv'), [], 'forgotten');
  assert.ok(events.some((e) => e.kind === 'forgotten'));
});

test('review mode holds a file until approved (loaded) or rejected (moved to error/)', async () => {
  const root = newRoot();
  drop(root, REF_FULL, 'currencies.csv', 'code,name\nGBP,Pound sterling\nEUR,Euro\n');
  drop(root, REF_FULL, 'languages.csv', 'code,name\nen,English\n');
  const held = outcomes(await watchOnce(root, { review: true }));
  assert.deepEqual(
    held.map((o) => o.kind),
    ['review', 'review'],
  );
  assert.equal((await query(`SELECT to_regclass('ref.currencies') AS t`))[0]!.t, null, 'nothing loaded yet');
  const [cur] = await query<{
    id: string;
    status: string;
    proposed_settings: { table: string; delimiter: string; columns: { name: string; type: string }[] };
  }>(`SELECT * FROM ref.file_monitor_tracking WHERE file_name = 'currencies.csv'`);
  assert.equal(cur?.status, 'review');
  assert.equal(cur?.proposed_settings.table, 'currencies');
  assert.equal(cur?.proposed_settings.delimiter, ',');
  assert.deepEqual(
    cur?.proposed_settings.columns.map((c) => c.name),
    ['code', 'name'],
  );
  // a second pass leaves held files alone
  assert.equal(outcomes(await watchOnce(root, { review: true })).length, 0);

  const ctx = { pool: db.pool, user: 'reviewer', keepBackups: 5, signal: new AbortController().signal };
  const approved = await approveFile(ctx, cur!.id, { table: 'currency_codes' });
  assert.equal(approved.kind, 'processed', JSON.stringify(approved));
  assert.deepEqual(await query('SELECT code FROM ref.currency_codes ORDER BY code'), [
    { code: 'EUR' },
    { code: 'GBP' },
  ]);
  const [after] = await query<{ status: string; reviewed_by: string }>(
    'SELECT * FROM ref.file_monitor_tracking WHERE id = $1',
    [cur!.id],
  );
  assert.deepEqual([after?.status, after?.reviewed_by], ['processed', 'reviewer']);
  await assert.rejects(approveFile(ctx, cur!.id, {}), /not waiting for review/);

  const [lang] = await tracking('languages.csv');
  const r = await rejectFile(db.pool, lang!.id, 'reviewer', 'wrong list');
  assert.ok(fs.existsSync(r.movedTo));
  assert.equal(path.basename(path.dirname(r.movedTo)), 'error');
  const report = JSON.parse(fs.readFileSync(`${r.movedTo}.error.json`, 'utf8')) as {
    category: string;
    message: string;
  };
  assert.equal(report.category, 'rejected');
  assert.match(report.message, /wrong list/);
  assert.equal((await query(`SELECT to_regclass('ref.languages') AS t`))[0]!.t, null);
});

test('hidden and temporary files are left alone and reported once', async () => {
  const root = newRoot();
  const lock = drop(root, REF_FULL, '~$airports.xlsx', 'lock');
  const part = drop(root, REF_FULL, 'airports.csv.part', 'iata\nLHR\n');
  const hidden = drop(root, REF_FULL, '.airports.csv', 'iata\nLHR\n');
  const events = await watchOnce(root);
  await watchOnce(root); // a second watcher reports them again (once each per watcher)
  assert.deepEqual(
    events
      .filter((e) => e.kind === 'ignored')
      .map((e) => (e.kind === 'ignored' ? path.basename(e.path) : ''))
      .sort(),
    ['.airports.csv', 'airports.csv.part', '~$airports.xlsx'],
  );
  for (const f of [lock, part, hidden]) assert.ok(fs.existsSync(f));
  assert.equal(
    (await query(`SELECT 1 FROM ref.file_monitor_tracking WHERE file_name LIKE '%airports.%'`)).length,
    0,
  );
});

test('approve --header-row: the reviewer says where the header is; names and types follow', async () => {
  const root = newRoot();
  drop(root, STG_APPEND, 'beds.csv', 'Bed census,exported\nward,beds\nA1,12\nB2,8\n');
  const [held] = outcomes(await watchOnce(root, { review: true }));
  assert.equal(held?.kind, 'review');
  const ctx = { pool: db.pool, user: 'reviewer', keepBackups: 5, signal: new AbortController().signal };
  const o = await approveFile(ctx, held!.id, { headerRow: 2 });
  assert.equal(o.kind, 'processed', JSON.stringify(o));
  assert.deepEqual(await query('SELECT ward, beds FROM staging.beds ORDER BY ward'), [
    { ward: 'A1', beds: 12 },
    { ward: 'B2', beds: 8 },
  ]);
  const [t] = await tracking('beds.csv');
  assert.deepEqual(t?.detected_headers, ['ward', 'beds']);
});

test('a watcher that died mid-file leaves a claim another watcher takes back and finishes', async () => {
  const root = newRoot();
  const file = drop(root, STG_APPEND, 'orphans.csv', 'k,v\na,1\n');
  // what a killed watcher leaves: a stable row claimed long ago, its connection (and lock) gone
  await db.pool.query(
    `INSERT INTO ref.file_monitor_tracking (file_path, file_name, file_size, load_type, is_reference_data, status,
                                            stable_checks, claimed_by, claimed_at)
     VALUES ($1, 'orphans.csv', 8, 'append', false, 'processing', 3, 'dead-host:1:abc', now() - interval '1 hour')`,
    [file],
  );
  const events: WatchEvent[] = [];
  await runWatcher(db.pool, {
    root,
    intervalMs: INTERVAL,
    stableChecks: CHECKS,
    once: true,
    review: false,
    keepBackups: 5,
    staleClaimMs: 1000,
    signal: new AbortController().signal,
    user: 'tester',
    onEvent: (e) => events.push(e),
  });
  assert.ok(events.some((e) => e.kind === 'recovered'));
  assert.deepEqual(
    outcomes(events).map((o) => o.kind),
    ['processed'],
  );
  const rows = await tracking('orphans.csv');
  assert.deepEqual(
    rows.map((r) => r.status),
    ['processed'],
  );
  assert.deepEqual(await query('SELECT k, v FROM staging.orphans'), [{ k: 'a', v: 1 }]);
});

test('the database dropping the watcher`s connections mid-load: retried, loaded exactly once', async () => {
  const root = newRoot();
  const lines = ['id,label'];
  for (let i = 0; i < 150_000; i++) lines.push(`${i},row ${i}`);
  drop(root, STG_APPEND, 'bulk.csv', lines.join('\n') + '\n');
  const app = `dw_watch_${process.pid}`;
  const pool = new pg.Pool({ connectionString: db.url, application_name: app, max: 4 });
  pool.on('error', () => undefined);
  const events: WatchEvent[] = [];
  const watching = runWatcher(pool, {
    ...watchOptions(root),
    once: true,
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
  });
  // as a server restart or failover would: end every session of the watcher during its COPY
  let killed = 0;
  for (let i = 0; i < 400 && killed === 0; i++) {
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE application_name = $1 AND query LIKE 'COPY "staging"."bulk"%'`,
      [app],
    );
    killed = Number(rows[0]?.n ?? 0);
    if (!killed) await new Promise((r) => setTimeout(r, 10));
  }
  await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
    app,
  ]);
  await watching;
  await pool.end();
  assert.ok(killed > 0, 'the load was interrupted');
  assert.ok(events.some((e) => e.kind === 'database-down'));
  const done = outcomes(events).filter((o) => o.kind !== 'released');
  assert.deepEqual(
    done.map((o) => o.kind),
    ['processed'],
  );
  const [{ n, loads }] = (await query<{ n: string; loads: string }>(
    'SELECT count(*) AS n, count(DISTINCT _load_id) AS loads FROM staging.bulk',
  )) as [{ n: string; loads: string }];
  assert.deepEqual([n, loads], ['150000', '1']);
  const rows = await tracking('bulk.csv');
  assert.deepEqual(
    rows.map((r) => r.status),
    ['processed'],
  );
});

test('fullload: the content already in the table is a duplicate; an older version again is a restore', async () => {
  const root = newRoot();
  const v1 = 'code,rate\nGBP,1\nEUR,1.17\n';
  const v2 = 'code,rate\nGBP,1\nEUR,1.19\n';
  drop(root, REF_FULL, 'rates_20240101.csv', v1);
  await watchOnce(root);
  drop(root, REF_FULL, 'rates_20240102.csv', v1);
  assert.equal(outcomes(await watchOnce(root))[0]?.kind, 'duplicate');
  drop(root, REF_FULL, 'rates_20240103.csv', v2);
  assert.equal(outcomes(await watchOnce(root))[0]?.kind, 'processed');
  drop(root, REF_FULL, 'rates_20240104.csv', v1);
  assert.equal(outcomes(await watchOnce(root))[0]?.kind, 'processed', 'v1 is loaded again over v2');
  assert.deepEqual(await query(`SELECT code, rate::text AS rate FROM ref.rates ORDER BY code`), [
    { code: 'EUR', rate: '1.17' },
    { code: 'GBP', rate: '1' },
  ]);
});

const NHS = path.resolve(ROOT, '..', 'shared', 'corpus', 'nhs');
const corpusMissing = !fs.existsSync(path.join(NHS, 'qof_2020_21'));

test(
  'real NHS reference files: QOF mappings to ref, GP list sizes appended to staging',
  { skip: corpusMissing && `corpus not found at ${NHS}` },
  async () => {
    const root = newRoot();
    for (const f of ['MAPPING_NHS_GEOGRAPHIES_2021.csv', 'MAPPING_INDICATORS_2021_v2.csv'])
      fs.copyFileSync(path.join(NHS, 'qof_2020_21', f), path.join(root, REF_FULL, f));
    fs.copyFileSync(
      path.join(NHS, 'gp_registered_patients', 'gp-reg-pat-prac-all.csv'),
      path.join(root, STG_APPEND, 'gp-reg-pat-prac-all.csv'),
    );
    const got = outcomes(await watchOnce(root));
    assert.deepEqual(
      got.map((o) => (o.kind === 'processed' ? `${o.schema}.${o.table}:${o.load.rows}` : o.kind)).sort(),
      ['ref.mapping_indicators:68', 'ref.mapping_nhs_geographies:6571', 'staging.gp_reg_pat_prac_all:6658'],
    );
    // codes stay text, numbers are numbers
    const types = await query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE (table_schema, table_name) IN (('ref', 'mapping_nhs_geographies'), ('staging', 'gp_reg_pat_prac_all'))
          AND column_name IN ('ccg_ods_code', 'practice_code', 'number_of_patients')
        ORDER BY column_name`,
    );
    assert.deepEqual(
      types.map((t) => `${t.column_name}:${t.data_type}`),
      ['ccg_ods_code:text', 'number_of_patients:integer', 'practice_code:text'],
    );
    const cfg = await query<{ table_name: string }>(
      `SELECT table_name FROM ref.reference_data_cfg WHERE table_name LIKE 'mapping_%' ORDER BY 1`,
    );
    assert.deepEqual(
      cfg.map((c) => c.table_name),
      ['mapping_indicators', 'mapping_nhs_geographies'],
    );
  },
);

/** A TCP proxy to the test database that can be taken down and brought back, like a server restart. */
async function outageProxy(
  target: URL,
): Promise<{ url: string; down(): Promise<void>; up(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    });
  await up();
  const url = new URL(target.toString());
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), down, up };
}

test('the database unreachable for a while: the watcher backs off, then carries on', async () => {
  const root = newRoot();
  const proxy = await outageProxy(new URL(db.url));
  const pool = new pg.Pool({ connectionString: proxy.url, max: 4, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined);
  const controller = new AbortController();
  const events: WatchEvent[] = [];
  const watching = runWatcher(pool, {
    ...watchOptions(root),
    once: false,
    signal: controller.signal,
    onEvent: (e) => events.push(e),
  });
  await new Promise((r) => setTimeout(r, INTERVAL * 2));
  await proxy.down();
  drop(root, STG_APPEND, 'during_outage.csv', 'sensor,reading\nx,1\ny,2\n');
  for (let i = 0; i < 100 && !events.some((e) => e.kind === 'database-down'); i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(
    events.some((e) => e.kind === 'database-down'),
    'the outage was noticed',
  );
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(fs.existsSync(path.join(root, STG_APPEND, 'during_outage.csv')), 'nothing moved while down');
  await proxy.up();
  for (let i = 0; i < 200 && outcomes(events).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  controller.abort();
  await watching;
  await pool.end();
  await proxy.down();
  assert.ok(events.some((e) => e.kind === 'database-back'));
  assert.deepEqual(
    outcomes(events).map((o) => o.kind),
    ['processed'],
  );
  assert.deepEqual(await query('SELECT sensor, reading FROM staging.during_outage ORDER BY sensor'), [
    { sensor: 'x', reading: 1 },
    { sensor: 'y', reading: 2 },
  ]);
});

test('a move that fails after the commit is reported; the load stands and the file stays put', async () => {
  const root = newRoot();
  const leaf = path.join(root, STG_APPEND);
  const file = drop(root, STG_APPEND, 'gauges.csv', 'gauge,level\nG1,3\n');
  const events: WatchEvent[] = [];
  await runWatcher(db.pool, {
    ...watchOptions(root),
    once: true,
    signal: new AbortController().signal,
    onEvent: (e) => {
      events.push(e);
      if (e.kind !== 'detected') return;
      // once running, put a file where processed/ should be, so the move cannot happen
      fs.rmSync(path.join(leaf, 'processed'), { recursive: true });
      fs.writeFileSync(path.join(leaf, 'processed'), 'not a folder');
    },
  });
  const problems = events.filter((e) => e.kind === 'problem');
  assert.equal(problems.length, 1, JSON.stringify(events));
  assert.match(
    problems[0]!.kind === 'problem' ? problems[0]!.message : '',
    /^loaded, but could not move it to /,
  );
  assert.ok(
    events.some((e) => e.kind === 'ignored' && e.path.endsWith('/processed')),
    'the stray file named processed is not a drop',
  );
  assert.ok(fs.existsSync(file));
  assert.deepEqual(await query('SELECT gauge, level FROM staging.gauges'), [{ gauge: 'G1', level: 3 }]);
  assert.deepEqual(
    (await tracking('gauges.csv')).map((t) => t.status),
    ['processed'],
  );
  // once the folder is fixed, the next pass recognises the content and tidies the file away
  fs.rmSync(path.join(leaf, 'processed'));
  assert.deepEqual(
    outcomes(await watchOnce(root)).map((o) => o.kind),
    ['duplicate'],
  );
  assert.ok(!fs.existsSync(file));
  assert.deepEqual(await query('SELECT count(*)::int AS n FROM staging.gauges'), [{ n: 1 }]);
});

test('workbooks and ZIPs dropped in the folder load like CSVs', async () => {
  const root = newRoot();
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([
      ['NHS trusts, April 2024'],
      [],
      ['Trust code', 'Trust name', 'Beds'],
      ['RJ1', "Guy's and St Thomas'", 2000],
      ['RRK', 'University Hospitals Birmingham', 2700],
    ]),
    'Trusts',
  );
  drop(root, REF_FULL, 'trusts_2024-04.xlsx', XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  drop(
    root,
    STG_APPEND,
    'regions_2024.zip',
    makeZip([
      {
        name: 'regions.csv',
        data: Buffer.from('region_code,region_name\nY56,London\nY58,South West\n'),
        deflate: true,
      },
    ]),
  );
  const got = outcomes(await watchOnce(root));
  assert.deepEqual(
    got
      .map((o) => (o.kind === 'processed' ? `${o.schema}.${o.table}:${o.load.rows}` : JSON.stringify(o)))
      .sort(),
    ['ref.trusts:2', 'staging.regions:2'],
  );
  assert.deepEqual(await query('SELECT trust_code, beds FROM ref.trusts ORDER BY trust_code'), [
    { trust_code: 'RJ1', beds: 2000 },
    { trust_code: 'RRK', beds: 2700 },
  ]);
  const [t] = await tracking('trusts_2024-04.xlsx');
  assert.equal(t?.status, 'processed');
  assert.deepEqual(t?.detected_headers, ['Trust code', 'Trust name', 'Beds']);
});

test('a registered source`s table is never fed from the drop folder', async () => {
  await registerSource(db.pool, {
    sourceCode: 'bed_days',
    publication: 'Bed days',
    domain: 'Acute',
    owner: 'a@nhs.net',
    purpose: 'test',
  });
  await db.pool.query('CREATE TABLE staging.tbl_bed_days (trust text, bed_days integer, _load_id bigint)');
  const root = newRoot();
  // by its columns it would match; by name it would be the table itself
  drop(root, STG_APPEND, 'trust_bed_days.csv', 'trust,bed_days\nRJ1,10\n');
  drop(root, STG_APPEND, 'tbl_bed_days.csv', 'trust,bed_days\nRRK,12\n');
  const got = outcomes(await watchOnce(root));
  const byFile = Object.fromEntries(got.map((o) => [path.basename(o.file), o]));
  const matched = byFile['trust_bed_days.csv'];
  assert.equal(
    matched?.kind === 'processed' && matched.table,
    'trust_bed_days',
    'a new table, not the source`s',
  );
  const named = byFile['tbl_bed_days.csv'];
  assert.equal(named?.kind, 'error');
  assert.match(named?.kind === 'error' ? named.report.message : '', /registered source bed_days/);
  assert.deepEqual(await query('SELECT count(*)::int AS n FROM staging.tbl_bed_days'), [{ n: 0 }]);
});
