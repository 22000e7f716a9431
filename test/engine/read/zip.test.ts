import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { detectFile, readTable, refineTable } from '../../../src/engine/index.js';
import { checkMemberName, extractZipMember, listZipMembers } from '../../../src/engine/read/zip.js';
import { DatawarpError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/cli.js';
import { makeZip } from './zip-fixture.js';

const dir = tempDir('datawarp-zip-');

function writeZip(name: string, entries: Parameters<typeof makeZip>[0]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, makeZip(entries));
  return file;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DatawarpError, String(err));
    assert.ok(err.hint);
    return err.code;
  }
  return 'ok';
}

async function collect(rows: AsyncIterable<readonly (string | null)[]>): Promise<(string | null)[][]> {
  const out: (string | null)[][] = [];
  for await (const r of rows) out.push([...r]);
  return out;
}

test('member paths that could escape are refused, whatever else the archive holds', async () => {
  for (const bad of ['../evil.csv', 'data/../../evil.csv', '/etc/passwd', 'C:/x.csv', 'a\\..\\b.csv']) {
    assert.throws(
      () => checkMemberName(bad, 'a.zip'),
      (e: unknown) => e instanceof DatawarpError && e.code === 'ZIP_UNSAFE',
      bad,
    );
  }
  checkMemberName('data/2025/ok..csv', 'a.zip');
  const file = writeZip('escape.zip', [
    { name: 'fine.csv', data: Buffer.from('a,b\n1,2\n') },
    { name: '../evil.csv', data: Buffer.from('x\n1\n') },
  ]);
  assert.equal(await code(detectFile(file)), 'ZIP_UNSAFE');
  assert.ok(!fs.existsSync(path.join(dir, '..', 'evil.csv')), 'nothing was written outside');
});

test('each data member is a source; a PDF member is skipped; rows read back per member', async () => {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([
      ['Code', 'Beds'],
      ['RAJ', 10],
      ['RC9', 20],
    ]),
    'Beds',
  );
  const xlsx = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  const file = writeZip('bundle.zip', [
    {
      name: 'practices.csv',
      data: Buffer.from('code,patients\nA81001,4000\nA81002,5200\nA81004,3100\n'),
      deflate: true,
    },
    { name: 'spec/Specification.pdf', data: Buffer.from('%PDF-1.4 not a table') },
    { name: 'beds.xlsx', data: xlsx },
  ]);
  const spec = await detectFile(file);
  assert.equal(spec.format, 'zip');
  assert.deepEqual(
    spec.tables.map((t) => [t.id, t.member, t.sheet, t.rowCount]),
    [
      ['t1', 'practices.csv', null, 3],
      ['t2', 'beds.xlsx', 'Beds', 2],
    ],
  );
  assert.deepEqual((spec as { skipped?: string[] }).skipped, ['spec/Specification.pdf']);
  assert.deepEqual(await collect(readTable(file, spec, 't1', { values: 'display' })), [
    ['A81001', '4000'],
    ['A81002', '5200'],
    ['A81004', '3100'],
  ]);
  assert.deepEqual(await collect(readTable(file, spec, 't2', { values: 'typed' })), [
    ['RAJ', '10'],
    ['RC9', '20'],
  ]);
});

test('a decompression bomb is refused by ratio; a member that lies about its size is stopped', async () => {
  const zeros = Buffer.alloc(80 << 20);
  const bomb = writeZip('bomb.zip', [{ name: 'big.csv', data: zeros, deflate: true }]);
  assert.ok(fs.statSync(bomb).size < 1 << 20, 'the bomb is small on disk');
  assert.equal(await code(detectFile(bomb)), 'FILE_TOO_LARGE');

  const liar = writeZip('liar.zip', [
    { name: 'a.csv', data: Buffer.alloc(1 << 20, 0x61), deflate: true, declaredSize: 100 },
  ]);
  const members = await listZipMembers(liar);
  assert.equal(members[0]!.bytes, 100);
  const target = path.join(dir, 'liar-out.csv');
  const got = await code(extractZipMember(liar, 'a.csv', target));
  assert.ok(['FILE_TOO_LARGE', 'FILE_TRUNCATED'].includes(got), got);
});

test('a truncated archive and an archive without data members get clear errors', async () => {
  const whole = makeZip([{ name: 'a.csv', data: Buffer.from('a,b\n1,2\n') }]);
  const cut = path.join(dir, 'cut.zip');
  fs.writeFileSync(cut, whole.subarray(0, whole.length - 30));
  assert.equal(await code(detectFile(cut)), 'FILE_TRUNCATED');
  const docs = writeZip('docs.zip', [{ name: 'readme.pdf', data: Buffer.from('%PDF') }]);
  assert.equal(await code(detectFile(docs)), 'NO_TABLE');
});

test('a ZIP inside a ZIP is read one level deep; deeper nesting is skipped', async () => {
  const inner = makeZip([
    { name: 'monthly/beds.csv', data: Buffer.from('trust,beds\nRAJ,10\nRC9,20\n'), deflate: true },
  ]);
  const deeper = makeZip([
    { name: 'again.zip', data: makeZip([{ name: 'x.csv', data: Buffer.from('a,b\n1,2\n') }]) },
  ]);
  const file = writeZip('outer.zip', [
    { name: 'inner.zip', data: inner },
    { name: 'deeper.zip', data: deeper },
  ]);
  const spec = await detectFile(file);
  assert.deepEqual(
    spec.tables.map((t) => [t.id, t.member, t.rowCount]),
    [['t1', 'inner.zip!/monthly/beds.csv', 2]],
  );
  assert.deepEqual((spec as { skipped?: string[] }).skipped, ['deeper.zip!/again.zip']);
  assert.deepEqual(await collect(readTable(file, spec, 't1', { values: 'typed' })), [
    ['RAJ', '10'],
    ['RC9', '20'],
  ]);
});

test('a failing member is named in the error', async () => {
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.from([4, 0, 4, 0]));
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(2048, 1));
  const file = writeZip('locked.zip', [
    { name: 'data/locked.xlsx', data: XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer },
  ]);
  const err = await detectFile(file).catch((e: unknown) => e);
  assert.ok(err instanceof DatawarpError);
  assert.equal(err.code, 'FILE_ENCRYPTED');
  assert.equal(err.location?.member, 'data/locked.xlsx');
  assert.match(err.oneLine(), /locked\.zip: .*password.*member data\/locked\.xlsx/);
});

test('refineTable on a ZIP member reads every row of the member', async () => {
  // past the head sample: detect estimates, refine counts; a late text value widens the type
  const lines = ['code,count'];
  for (let i = 0; i < 60_000; i++) lines.push(`P${String(i).padStart(5, '0')},${i}`);
  lines.push('PLAST,n/k');
  const file = writeZip('big.zip', [
    { name: 'big.csv', data: Buffer.from(lines.join('\n') + '\n'), deflate: true },
  ]);
  const spec = await detectFile(file);
  const refined = await refineTable(file, spec, 't1');
  assert.equal(refined.member, 'big.csv');
  assert.equal(refined.id, 't1');
  assert.equal(refined.rowCount, 60_001);
  assert.equal(refined.columns[1]!.type, 'text');
});
