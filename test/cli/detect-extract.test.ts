import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { parseText } from '../../src/engine/read/csv.js';
import { EXIT } from '../../src/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';

const dir = tempDir();
const messy = path.join(dir, 'cafe-prices_november-2025.csv');
fs.writeFileSync(
  messy,
  iconv.encode(
    'Café prices – November 2025\r\n\r\n' +
      'Region;Item;Price;Count;Opened\r\n' +
      'North;Crème "brûlée";£4.50;1,200;01/02/2024\r\n' +
      'South;Café au lait;£2.10;*;13/02/2024\r\n' +
      'East;"Pâté; coarse";£3.00;15;28/02/2024\r\n' +
      '\r\nSource: a test\r\n',
    'windows-1252',
  ),
);

test('detect --json prints the file spec in the documented shape', async () => {
  const r = await runCli(['detect', messy, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  for (const key of ['file', 'format', 'bytes', 'sha256', 'encoding', 'dialect', 'period', 'tables']) {
    assert.ok(key in spec, `has ${key}`);
  }
  assert.equal(spec.format, 'csv');
  assert.equal(spec.encoding, 'windows-1252');
  assert.deepEqual(
    { delimiter: spec.dialect.delimiter, quote: spec.dialect.quote, escape: spec.dialect.escape },
    { delimiter: ';', quote: '"', escape: null },
  );
  assert.equal(spec.dialect.lineTerminator, '\r\n');
  assert.deepEqual(spec.period, { code: '2025-11', start: '2025-11-01', end: '2025-11-30' });
  const [t] = spec.tables;
  for (const key of [
    'id',
    'sheet',
    'member',
    'name',
    'kind',
    'headerRows',
    'dataRows',
    'columns',
    'rowCount',
    'confidence',
    'warnings',
  ]) {
    assert.ok(key in t, `table has ${key}`);
  }
  assert.equal(t.name, 'cafe_prices');
  assert.deepEqual(t.headerRows, [3, 3]);
  assert.deepEqual(t.dataRows, [4, 6]);
  for (const c of t.columns)
    for (const key of ['name', 'header', 'type', 'nullable', 'suppressed']) assert.ok(key in c);
});

test('detect prints a readable summary', async () => {
  const r = await runCli(['detect', messy]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /encoding windows-1252/);
  assert.match(r.stdout, /delimiter ';'/);
  assert.match(r.stdout, /header line 3, data lines 4–6/);
  assert.match(r.stdout, /price\s+numeric/);
  assert.match(r.stdout, /count\s+integer\s+yes\s+1/, 'the suppressed count is shown');
  assert.match(r.stdout, /period\s+2025-11/);
});

test('extract writes UTF-8 RFC 4180 CSV as shown in the file, or typed with --typed', async () => {
  const out = path.join(dir, 'out.csv');
  const r = await runCli(['extract', messy, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const text = fs.readFileSync(out, 'utf8');
  const parsed = parseText(text, { delimiter: ',', quote: '"', escape: null }).fields;
  assert.deepEqual(parsed[0], ['Region', 'Item', 'Price', 'Count', 'Opened']);
  assert.deepEqual(parsed[1], ['North', 'Crème "brûlée"', '£4.50', '1,200', '01/02/2024']);
  assert.deepEqual(parsed[3], ['East', 'Pâté; coarse', '£3.00', '15', '28/02/2024']);
  assert.ok(text.includes('"Crème ""brûlée"""'), 'quotes are doubled');

  const typed = await runCli(['extract', messy, '--typed', '-o', '-']);
  assert.equal(typed.code, 0, typed.stderr);
  const rows = parseText(typed.stdout, { delimiter: ',', quote: '"', escape: null }).fields;
  assert.deepEqual(rows[0], ['region', 'item', 'price', 'count', 'opened']);
  assert.deepEqual(rows[1], ['North', 'Crème "brûlée"', '4.50', '1200', '2024-02-01']);
  assert.deepEqual(rows.length, 4);
});

test('extract --table picks a table; an unknown one is a not-found error', async () => {
  const r = await runCli(['extract', messy, '--table', 't9', '-o', '-']);
  assert.equal(r.code, EXIT.notFound);
  assert.match(r.stderr, /no table t9/);
  assert.match(r.stderr, /hint: tables: t1/);
});

test('bad input: one line naming the file, a hint, exit code 3, no output file left behind', async () => {
  const empty = path.join(dir, 'empty.csv');
  fs.writeFileSync(empty, '');
  const junk = path.join(dir, 'junk.csv');
  fs.writeFileSync(junk, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)));
  const brokenUtf8 = path.join(dir, 'broken_utf8.csv');
  fs.writeFileSync(brokenUtf8, Buffer.concat([Buffer.from('name\nZoë\n'), Buffer.from([0xc3, 0x28, 0x0a])]));
  for (const file of [empty, junk, brokenUtf8, path.join(dir, 'missing.csv')]) {
    const out = path.join(dir, 'never.csv');
    const r = await runCli(['extract', file, '-o', out]);
    assert.equal(r.code, EXIT.input, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.ok(lines[0]!.startsWith(`datawarp: ${file}: `), lines[0]);
    assert.ok(lines[1]!.startsWith('hint: '));
    assert.ok(!fs.existsSync(out));
  }
});

test('detect and extract --help show an example', async () => {
  for (const cmd of ['detect', 'extract']) {
    const r = await runCli([cmd, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Example/);
  }
});
