import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DatawarpError } from '../../src/errors.js';
import { parseDuration } from '../../src/duration.js';
import { moveFile, outcomePath, stamp } from '../../src/pipeline/watch/moves.js';
import { IgnoredReporter, scanDropTree } from '../../src/pipeline/watch/scan.js';
import { isStable, observe } from '../../src/pipeline/watch/stability.js';
import { chooseTable, columnMatchScore } from '../../src/pipeline/watch/table-match.js';
import { tableNameForFile } from '../../src/pipeline/watch/table-name.js';
import { ensureDropTree } from '../../src/pipeline/watch/tree.js';
import { tempDir } from '../helpers/cli.js';

test('durations: 15s, 200ms, 2m, bare seconds; nonsense is a usage error', () => {
  assert.equal(parseDuration('15s'), 15_000);
  assert.equal(parseDuration('200ms'), 200);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('3'), 3000);
  for (const bad of ['', 'soon', '0s', '-1s', '5 weeks']) {
    assert.throws(
      () => parseDuration(bad),
      (e: unknown) => e instanceof DatawarpError && e.code === 'USAGE',
    );
  }
});

test('the drop tree is created with processed/ and error/ in each of its four leaves', () => {
  const root = path.join(tempDir(), 'dropoff');
  const folders = ensureDropTree(root);
  assert.equal(folders.length, 4);
  for (const kind of ['reference_data_table', 'none_reference_data_table'])
    for (const load of ['fullload', 'append'])
      for (const out of ['processed', 'error'])
        assert.ok(fs.statSync(path.join(root, kind, load, out)).isDirectory());
  assert.deepEqual(
    folders.map((f) => [path.relative(root, f.dir), f.reference, f.loadType]),
    [
      ['reference_data_table/fullload', true, 'fullload'],
      ['reference_data_table/append', true, 'append'],
      ['none_reference_data_table/fullload', false, 'fullload'],
      ['none_reference_data_table/append', false, 'append'],
    ],
  );
  // a second call keeps what is there
  fs.writeFileSync(path.join(root, 'reference_data_table/append/x.csv'), 'a\n1\n');
  ensureDropTree(root);
  assert.ok(fs.existsSync(path.join(root, 'reference_data_table/append/x.csv')));
});

test('a scan lists drops by leaf and ignores hidden, temporary and misplaced files, each reported once', () => {
  const root = path.join(tempDir(), 'dropoff');
  ensureDropTree(root);
  const put = (rel: string) => fs.writeFileSync(path.join(root, rel), 'a,b\n1,2\n');
  put('reference_data_table/fullload/airports_20241201.csv');
  put('none_reference_data_table/append/sales.xlsx');
  put('reference_data_table/fullload/~$airports.xlsx');
  put('reference_data_table/fullload/.hidden.csv');
  put('reference_data_table/append/big.csv.part');
  put('reference_data_table/append/report.xlsx.crdownload');
  put('reference_data_table/stray.csv');
  put('loose.csv');
  put('reference_data_table/fullload/processed/20240101T000000_old.csv');
  const scan = scanDropTree(root);
  assert.deepEqual(
    scan.files.map((f) => [path.relative(root, f.path), f.folder.reference, f.folder.loadType, f.size]),
    [
      ['none_reference_data_table/append/sales.xlsx', false, 'append', 8],
      ['reference_data_table/fullload/airports_20241201.csv', true, 'fullload', 8],
    ],
  );
  const ignored = scan.ignored.map((i) => path.relative(root, i.path)).sort();
  assert.deepEqual(ignored, [
    'loose.csv',
    'reference_data_table/append/big.csv.part',
    'reference_data_table/append/report.xlsx.crdownload',
    'reference_data_table/fullload/.hidden.csv',
    'reference_data_table/fullload/~$airports.xlsx',
    'reference_data_table/stray.csv',
  ]);
  const reporter = new IgnoredReporter();
  assert.equal(reporter.fresh(scan.ignored).length, 6);
  assert.equal(reporter.fresh(scanDropTree(root).ignored).length, 0, 'reported once');
});

test('stability: counts unchanged checks an interval apart, resets on change', () => {
  let s = observe(null, { size: 10, mtimeMs: 1 }, 1000, 50);
  assert.equal(s.checks, 0);
  s = observe(s, { size: 10, mtimeMs: 1 }, 1010, 50);
  assert.equal(s.checks, 0, 'a second look within the interval does not count');
  s = observe(s, { size: 10, mtimeMs: 1 }, 1050, 50);
  s = observe(s, { size: 10, mtimeMs: 1 }, 1100, 50);
  assert.equal(s.checks, 2);
  assert.ok(!isStable(s, 3));
  s = observe(s, { size: 20, mtimeMs: 2 }, 1150, 50);
  assert.equal(s.checks, 0, 'a growing file starts again');
  s = observe(s, { size: 20, mtimeMs: 3 }, 1200, 50);
  assert.equal(s.checks, 0, 'a touched file starts again');
  for (let t = 1250; t <= 1350; t += 50) s = observe(s, { size: 20, mtimeMs: 3 }, t, 50);
  assert.ok(isStable(s, 3));
});

test('table choice: own name first, else >= 70 % of columns, else a new table', () => {
  const existing = [
    { table: 'airports', columns: ['iata', 'name', 'city', '_load_id', '_loaded_at'] },
    { table: 'carriers', columns: ['code', 'name', 'country', 'alliance', 'founded'] },
  ];
  assert.equal(columnMatchScore(['iata', 'name', 'city'], existing[0]!.columns), 1);
  assert.deepEqual(chooseTable('airports', ['x'], existing), {
    kind: 'named',
    table: 'airports',
    exists: true,
  });
  const m = chooseTable('airlines', ['code', 'name', 'country', 'alliance'], existing);
  assert.equal(m.kind, 'matched');
  assert.equal(m.table, 'carriers');
  // 3 of 5 = 60 %: below the threshold
  const n = chooseTable('airlines', ['code', 'name', 'country', 'hub', 'fleet'], existing);
  assert.deepEqual(n, { kind: 'new', table: 'airlines', exists: false, bestScore: 0.6 });
});

test('moves: stamped name under processed/ or error/, never overwriting, bytes intact', () => {
  const dir = tempDir();
  const file = path.join(dir, 'airports.csv');
  const bytes = Buffer.from('iata,name\r\nLHR,Heathrow\r\n\u00ff');
  fs.writeFileSync(file, bytes);
  const at = new Date('2026-11-22T03:15:00.123Z');
  assert.equal(stamp(at), '20261122T031500');
  const to = outcomePath(file, 'processed', at);
  assert.equal(to, path.join(dir, 'processed', '20261122T031500_airports.csv'));
  moveFile(file, to);
  assert.deepEqual(fs.readFileSync(to), bytes);
  fs.writeFileSync(file, 'again');
  const second = outcomePath(file, 'processed', at);
  assert.equal(second, path.join(dir, 'processed', '20261122T031500-2_airports.csv'));
  assert.throws(() => moveFile(file, to), /refusing to overwrite/);
  assert.ok(fs.existsSync(file), 'a refused move leaves the file where it was');
});

test('table names from file names: dates and versions stripped on token boundaries', () => {
  const cases: [string, string][] = [
    ['airports_20241201.csv', 'airports'],
    ['customer-data.csv', 'customer_data'],
    ['FLIGHT_SCHEDULES.CSV', 'flight_schedules'],
    ['test_data_2024-12-01.csv', 'test_data'],
    ['marital_status_v2.xlsx', 'marital_status'],
    ['file_monitor_tracking.csv', 'file_monitor_tracking_data'],
  ];
  assert.deepEqual(
    cases.map(([f]) => [f, tableNameForFile(f)]),
    cases,
  );
});
