/**
 * `datawarp detect` / `extract` on workbooks and ZIPs as a user runs them (the built CLI): the
 * JSON shape for sheets and members, extract of a stacked block, and bad input — truncated and
 * encrypted workbooks, a zip bomb, an escaping member — each a short error naming the file, a
 * hint and exit code 3.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { EXIT } from '../../src/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeZip } from '../engine/read/zip-fixture.js';

const dir = tempDir();

function sitrep(): Buffer {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([
      ['', 'Title:', 'Discharge sitrep'],
      ['', 'Published:', '12 October 2023'],
    ]),
    'Cover Sheet',
  );
  const ws = XLSX.utils.aoa_to_sheet([
    ['', 'Table 2: Patients who no longer meet the criteria to reside'],
    ['', 'Contents'],
    ['', '', '', '', 45170, '', 45171, ''],
    [
      '',
      'Notes: \n1. Suppressed below 5.\n2. More.',
      '',
      '',
      'Remaining',
      'Discharged',
      'Remaining',
      'Discharged',
    ],
    ['', '', '', 'ENGLAND', 25042, 12828, 21215, 9237],
    ['', '', '', 'LONDON', 3240, 1624, 2773, 1271],
    [],
    ['', 'Region', 'ICB Code', 'ICB Name'],
    ['', 'LONDON', 'QRV', 'NHS North West London', 831, 367, 718, 333],
    ['', 'LONDON', 'QMJ', 'NHS North Central London', 608, 293, 562, 295],
  ]);
  ws['!merges'] = ['B4:D4', 'E3:F3', 'G3:H3'].map((m) => XLSX.utils.decode_range(m));
  for (const a of ['E3', 'G3']) ws[a]!.z = 'd-mmm-yy';
  XLSX.utils.book_append_sheet(wb, ws, 'Table 2');
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

const book = path.join(dir, 'sitrep-september2023.xlsx');
fs.writeFileSync(book, sitrep());

test('detect --json on a workbook: sheets, notes, stacked blocks, inherited measure headers', async () => {
  const r = await runCli(['detect', book, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  assert.equal(spec.format, 'xlsx');
  assert.equal(spec.period.code, '2023-09');
  assert.deepEqual(
    spec.tables.map((t: { sheet: string; kind: string; headerRows: number[] | null; dataRows: number[] }) => [
      t.sheet,
      t.kind,
      t.headerRows,
      t.dataRows,
    ]),
    [
      ['Cover Sheet', 'notes', null, [1, 2]],
      ['Table 2', 'data', [3, 4], [5, 6]],
      ['Table 2', 'data', [8, 8], [9, 10]],
    ],
  );
  const icb = spec.tables[2];
  assert.deepEqual(
    icb.columns.map((c: { header: string }) => c.header),
    [
      'Region',
      'ICB Code',
      'ICB Name',
      '2023-09-01 - Remaining',
      '2023-09-01 - Discharged',
      '2023-09-02 - Remaining',
      '2023-09-02 - Discharged',
    ],
  );
});

test('extract writes one stacked block with its flattened header', async () => {
  const out = path.join(dir, 'icb.csv');
  const r = await runCli(['extract', book, '--table', 't3', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fs.readFileSync(out, 'utf8').trim().split(/\r?\n/), [
    'Region,ICB Code,ICB Name,2023-09-01 - Remaining,2023-09-01 - Discharged,2023-09-02 - Remaining,2023-09-02 - Discharged',
    'LONDON,QRV,NHS North West London,831,367,718,333',
    'LONDON,QMJ,NHS North Central London,608,293,562,295',
  ]);
});

test('detect and extract a ZIP member', async () => {
  const zip = path.join(dir, 'bundle.zip');
  fs.writeFileSync(
    zip,
    makeZip([
      { name: 'readme.pdf', data: Buffer.from('%PDF-1.4') },
      { name: 'data/beds.csv', data: Buffer.from('trust,beds\r\nRAJ,10\r\nRC9,20\r\n'), deflate: true },
    ]),
  );
  const r = await runCli(['detect', zip, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  assert.equal(spec.format, 'zip');
  assert.equal(spec.tables[0].member, 'data/beds.csv');
  const x = await runCli(['extract', zip, '-o', '-', '--typed']);
  assert.equal(x.code, 0, x.stderr);
  assert.deepEqual(x.stdout.trim().split(/\r?\n/), ['trust,beds', 'RAJ,10', 'RC9,20']);
});

test('bad workbooks and archives: one line naming the file, a hint, exit 3', async () => {
  const bytes = sitrep();
  const cut = path.join(dir, 'cut.xlsx');
  fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.from([4, 0, 4, 0]));
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(4096, 3));
  const locked = path.join(dir, 'locked.xlsx');
  fs.writeFileSync(locked, XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
  const bomb = path.join(dir, 'bomb.zip');
  fs.writeFileSync(bomb, makeZip([{ name: 'big.csv', data: Buffer.alloc(80 << 20), deflate: true }]));
  const escape = path.join(dir, 'escape.zip');
  fs.writeFileSync(escape, makeZip([{ name: '../../etc/cron.d/x.csv', data: Buffer.from('a\n1\n') }]));
  const cases: [string, RegExp][] = [
    [cut, /damaged or cut off/],
    [locked, /password-protected/],
    [bomb, /refused to decompress/],
    [escape, /would escape the archive/],
  ];
  for (const [file, message] of cases) {
    const r = await runCli(['detect', file]);
    assert.equal(r.code, EXIT.input, `${file}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, new RegExp(`${path.basename(file).replace('.', '\\.')}: `));
    assert.match(lines[0]!, message);
    assert.ok(
      lines.some((l) => /^hint: /.test(l)),
      r.stderr,
    );
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace for a user error');
  }
});
