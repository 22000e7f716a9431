import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import {
  detectFile,
  readTable,
  refineTable,
  TypeMisfit,
  type FileSpec,
  type Row,
} from '../../src/engine/index.js';
import { DatawarpError, EXIT } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir();

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function rows(
  file: string,
  spec: FileSpec,
  values: 'display' | 'typed' = 'display',
  id = 't1',
): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of readTable(file, spec, id, { values })) out.push(r);
  return out;
}

test('Windows-1252 with a title, a footer and notes: £ é – decode right, ranges are physical lines', async () => {
  const text =
    'Monthly report: café prices – November 2025\r\n\r\n' +
    'Region,Item,Price,Count\r\n' +
    'North,Crème brûlée,£4.50,"1,200"\r\n' +
    'South,Café au lait,£2.10,*\r\n' +
    'East,Pâté – coarse,£3.00,15\r\n' +
    '\r\n' +
    'Source: NHS England\r\n' +
    'Note: * = suppressed\r\n';
  const file = write('cp1252-footer-notes.csv', iconv.encode(text, 'windows-1252'));
  const spec = await detectFile(file);
  assert.equal(spec.encoding, 'windows-1252');
  assert.equal(spec.dialect?.delimiter, ',');
  assert.equal(spec.dialect?.lineTerminator, '\r\n');
  assert.equal(spec.period?.code, '2025-11');
  const t = spec.tables[0]!;
  assert.deepEqual(t.headerRows, [3, 3]);
  assert.deepEqual(t.dataRows, [4, 6]);
  assert.equal(t.rowCount, 3);
  assert.deepEqual(
    t.columns.map((c) => [c.name, c.type, c.suppressed]),
    [
      ['region', 'text', 0],
      ['item', 'text', 0],
      ['price', 'numeric', 0],
      ['count', 'integer', 1],
    ],
  );
  const display = await rows(file, spec);
  assert.deepEqual(display[0], ['North', 'Crème brûlée', '£4.50', '1,200']);
  assert.equal(display[2]![1], 'Pâté – coarse');
  const typed = await rows(file, spec, 'typed');
  assert.deepEqual(typed, [
    ['North', 'Crème brûlée', '4.50', '1200'],
    ['South', 'Café au lait', '2.10', null],
    ['East', 'Pâté – coarse', '3.00', '15'],
  ]);
});

test('UTF-16 with a BOM, and UTF-8 with a BOM', async () => {
  const body = 'name;city\nZoë;Zürich\nJosé;São Paulo\n';
  const u16 = write('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
  const s16 = await detectFile(u16);
  assert.equal(s16.encoding, 'utf-16le');
  assert.equal(s16.dialect?.delimiter, ';');
  assert.deepEqual(await rows(u16, s16), [
    ['Zoë', 'Zürich'],
    ['José', 'São Paulo'],
  ]);
  const u8 = write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
  const s8 = await detectFile(u8);
  assert.equal(s8.tables[0]!.columns[0]!.header, 'name', 'the BOM is not part of the first header');
});

test('delimiters, quotes and escapes', async () => {
  const cases: [string, string, string, string | null][] = [
    ['tab.tsv', 'a\tb\tc\n1\t"x, y"\t3\n4\tz\t6\n', '\t', null],
    ['pipe.csv', 'a|b|c\n1|x, y|3\n4|z|6\n', '|', null],
    ['semi.csv', 'a;b;c\n1;2,5;3\n4;7,25;6\n', ';', null],
    ['backslash.csv', 'id,quote\n1,"say \\"hi\\" now"\n2,"plain"\n3,"a \\"b\\""\n', ',', '\\'],
    ['doubled.csv', 'id,quote\n1,"say ""hi"" now"\n2,"plain"\n', ',', null],
  ];
  for (const [name, content, delimiter, escape] of cases) {
    const file = write(name, content);
    const spec = await detectFile(file);
    assert.equal(spec.dialect?.delimiter, delimiter, name);
    assert.equal(spec.dialect?.escape, escape, name);
  }
  const bs = path.join(dir, 'backslash.csv');
  const spec = await detectFile(bs);
  assert.equal((await rows(bs, spec))[0]![1], 'say "hi" now');
  const dq = path.join(dir, 'doubled.csv');
  assert.equal((await rows(dq, await detectFile(dq)))[0]![1], 'say "hi" now');
});

test('mixed and CR-only line endings; a quoted newline counts as a physical line', async () => {
  const mixed = write('mixed.csv', 'a,b\r\n1,2\n3,4\r5,6\r\n');
  const sm = await detectFile(mixed);
  assert.equal(sm.dialect?.lineTerminator, 'mixed');
  assert.deepEqual(await rows(mixed, sm), [
    ['1', '2'],
    ['3', '4'],
    ['5', '6'],
  ]);
  const cr = write('cr.csv', 'a,b\r1,2\r3,4\r');
  const sc = await detectFile(cr);
  assert.equal(sc.dialect?.lineTerminator, '\r');
  assert.equal(sc.tables[0]!.rowCount, 2);
  const ml = write('multiline.csv', 'id,note\n1,"line one\nline two"\n2,plain\n');
  const sml = await detectFile(ml);
  assert.deepEqual(sml.tables[0]!.dataRows, [2, 4]);
  assert.deepEqual(await rows(ml, sml), [
    ['1', 'line one\nline two'],
    ['2', 'plain'],
  ]);
});

test('comment lines are skipped', async () => {
  const file = write(
    'comments.csv',
    '# exported by a tool\n# on a date\na,b,c\n1,2,3\n# a note in the middle\n4,5,6\n',
  );
  const spec = await detectFile(file);
  assert.equal(spec.dialect?.comment, '#');
  assert.deepEqual(await rows(file, spec), [
    ['1', '2', '3'],
    ['4', '5', '6'],
  ]);
});

test('headerless data gets positional names; an all-text table keeps its first row as header, not data', async () => {
  const headerless = write('no_header.csv', '1,2024-01-01,3.5\n2,2024-01-02,4.5\n3,2024-01-03,5.5\n');
  const s = await detectFile(headerless);
  assert.equal(s.tables[0]!.headerRows, null);
  assert.deepEqual(
    s.tables[0]!.columns.map((c) => [c.name, c.type]),
    [
      ['column_1', 'integer'],
      ['column_2', 'date'],
      ['column_3', 'numeric'],
    ],
  );
  assert.equal(s.tables[0]!.rowCount, 3);
  const named = await detectFile(headerless, { headerless: true, columnNames: ['id', 'day', 'value'] });
  assert.deepEqual(
    named.tables[0]!.columns.map((c) => c.name),
    ['id', 'day', 'value'],
  );
  const allText = write('codes.csv', 'Code,Name,Parent\nU16464,Alpha PCN,02P\nU00070,Beta PCN,00L\n');
  const t = (await detectFile(allText)).tables[0]!;
  assert.deepEqual(t.headerRows, [1, 1]);
  assert.equal(t.rowCount, 2);
  assert.ok(t.columns.every((c) => c.type === 'text'));
});

test('UK dates: ambiguous ones read day-first with a warning', async () => {
  const file = write('uk_dates.csv', 'when,n\n01/02/2024,1\n03/04/2024,2\n');
  const spec = await detectFile(file);
  const col = spec.tables[0]!.columns[0]!;
  assert.equal(col.type, 'date');
  assert.equal(col.format?.dateOrder, 'dmy');
  assert.match(spec.tables[0]!.warnings.join('\n'), /UK day\/month/);
  assert.deepEqual(
    (await rows(file, spec, 'typed')).map((r) => r[0]),
    ['2024-02-01', '2024-04-03'],
  );
});

test('a typed read throws TypeMisfit with column and line when a later value does not fit', async () => {
  const lines = ['id,value,pad'];
  for (let i = 1; i <= 80000; i++)
    lines.push(i === 40000 ? `${i},not a number,padding` : `${i},${i},padding text to pass the sample size`);
  const file = write('late_text.csv', lines.join('\n') + '\n');
  const spec = await detectFile(file);
  assert.equal(spec.tables[0]!.columns[1]!.type, 'integer', 'the sample only holds integers');
  await assert.rejects(rows(file, spec, 'typed'), (err: unknown) => {
    assert.ok(err instanceof TypeMisfit);
    assert.equal(err.column, 'value');
    assert.equal(err.row, 40001);
    return true;
  });
  const refined = await refineTable(file, spec, 't1');
  assert.equal(refined.columns[1]!.type, 'text');
  assert.equal(refined.rowCount, 80000);
  assert.deepEqual(refined.dataRows, [2, 80001]);
});

test('a file larger than the sample: footer found from the tail, row count estimated then refined', async () => {
  const lines = ['id,name,amount'];
  for (let i = 1; i <= 60000; i++) lines.push(`${i},name ${i},${(i * 1.5).toFixed(2)}`);
  lines.push('', 'Source: test data');
  const file = write('big_footer.csv', lines.join('\n') + '\n');
  const spec = await detectFile(file);
  const t = spec.tables[0]!;
  assert.deepEqual(t.dataRows, [2, 60001]);
  assert.ok(Math.abs(t.rowCount - 60000) < 600, `estimate ${t.rowCount}`);
  const all = await rows(file, spec);
  assert.equal(all.length, 60000);
  assert.deepEqual(all[59999], ['60000', 'name 60000', '90000.00']);
  assert.equal((await refineTable(file, spec, 't1')).rowCount, 60000);
});

test('bad input: one-line errors naming the file, with a hint and an input exit code', async () => {
  const cases: [string, Buffer | string, string][] = [
    ['empty.csv', '', 'FILE_EMPTY'],
    ['blank.csv', '\n\n  \n', 'FILE_EMPTY'],
    ['junk.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'FILE_BINARY'],
    [
      'broken_utf8.csv',
      Buffer.concat([Buffer.from('name\nZoë\nJos'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
      'FILE_ENCODING',
    ],
  ];
  for (const [name, content, code] of cases) {
    const file = write(name, content);
    await assert.rejects(detectFile(file), (err: unknown) => {
      assert.ok(err instanceof DatawarpError, `${name}: ${String(err)}`);
      assert.equal(err.code, code, name);
      assert.equal(err.exitCode, EXIT.input);
      assert.ok(err.hint, `${name} has a hint`);
      assert.ok(err.oneLine().startsWith(file), `${name} names the file`);
      assert.ok(!err.oneLine().includes('\n'));
      return true;
    });
  }
});

test('a 100 MB single line is refused quickly, without reading it into memory', async () => {
  const file = path.join(dir, 'one_line.csv');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(1 << 20, 'a,');
  for (let i = 0; i < 100; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  await assert.rejects(detectFile(file), (err: unknown) => {
    assert.ok(err instanceof DatawarpError);
    assert.equal(err.code, 'LINE_TOO_LONG');
    assert.equal(err.exitCode, EXIT.input);
    return true;
  });
  fs.rmSync(file);
});

test('legacy encodings by statistics and byte structure: Shift_JIS, and Latin guesses read as Windows-1252', async () => {
  const sjis = write('shift_jis.csv', iconv.encode('名前,年齢\r\n山田,30\r\n鈴木,25\r\n', 'shift_jis'));
  const s = await detectFile(sjis);
  assert.equal(s.encoding, 'shift_jis');
  assert.deepEqual((await rows(sjis, s))[0], ['山田', '30']);
  const latin = write('latin.csv', iconv.encode('name,city\nJosé,Zürich\nRené,Besançon\n', 'latin1'));
  const l = await detectFile(latin);
  assert.equal(l.encoding, 'windows-1252');
  assert.deepEqual((await rows(latin, l))[1], ['René', 'Besançon']);
});

test('the tail of a large file is sampled for types too', async () => {
  const lines = ['id,score,pad'];
  for (let i = 1; i <= 80000; i++) lines.push(`${i},${i % 100},padding text to pass the sample size`);
  lines.push('80001,12.5,late decimal');
  const file = write('late_decimal.csv', lines.join('\n') + '\n');
  const spec = await detectFile(file);
  assert.equal(spec.tables[0]!.columns[1]!.type, 'numeric', 'the decimal near the end widens the column');
});

test('messy text tables: title, two-row header, a two-column table, footnotes', async () => {
  const file = write(
    'two_row_header.csv',
    [
      'Table 1: Referrals by region,,,',
      ',Nov-25,,Dec-25',
      'Region,Referrals,Seen,Referrals',
      'North,10,8,12',
      'South,20,*,22',
      'East,30,25,31',
      '',
      'Notes: * suppressed to protect confidentiality',
    ].join('\n') + '\n',
  );
  const spec = await detectFile(file);
  const t = spec.tables[0]!;
  assert.deepEqual(t.headerRows, [2, 3]);
  assert.deepEqual(t.dataRows, [4, 6]);
  assert.equal(t.rowCount, 3);
  assert.deepEqual(
    t.columns.map((c) => c.header),
    ['Region', 'Nov-25 - Referrals', 'Nov-25 - Seen', 'Dec-25 - Referrals'],
  );
  assert.equal(t.columns[2]!.suppressed, 1);
  const pairs = write('lookup.csv', 'Code,Name\n00L,Northumberland\n00N,South Tyneside\n');
  const p = await detectFile(pairs);
  assert.equal(p.tables.length, 1);
  assert.equal(p.tables[0]!.kind, 'data', 'a genuine two-column table is kept as data');
  assert.equal(p.tables[0]!.rowCount, 2);
});

test('header rows repeated inside the data are not read as data', async () => {
  const lines = ['Region,Count'];
  for (let i = 0; i < 5; i++) lines.push(`R${i},${i}`);
  lines.push('Region,Count');
  for (let i = 5; i < 10; i++) lines.push(`R${i},${i}`);
  const file = write('repeated_header.csv', lines.join('\n') + '\n');
  const spec = await detectFile(file);
  assert.equal(spec.tables[0]!.columns[1]!.type, 'integer');
  const typed = await rows(file, spec, 'typed');
  assert.equal(typed.length, 10);
  assert.ok(typed.every((r) => r[0] !== 'Region'));
});

test('gzip-compressed text is read transparently, the tail and line count from the decompressed text', async () => {
  const { gzipSync } = await import('node:zlib');
  const lines = ['id,name'];
  for (let i = 1; i <= 100000; i++) lines.push(`${i},name ${i}`);
  lines.push('', 'Source: test');
  const file = write('big.csv.gz', gzipSync(lines.join('\n') + '\n'));
  const spec = await detectFile(file);
  assert.equal(spec.format, 'csv');
  assert.equal(spec.bytes, fs.statSync(file).size);
  assert.deepEqual(spec.tables[0]!.dataRows, [2, 100001]);
  const all = await rows(file, spec);
  assert.equal(all.length, 100000);
  assert.deepEqual(all[99999], ['100000', 'name 100000']);
  const whole = gzipSync(lines.join('\n'));
  const broken = write('broken.csv.gz', whole.subarray(0, whole.length >> 1));
  await assert.rejects(
    async () => {
      const s = await detectFile(broken);
      await rows(broken, s);
    },
    (err: unknown) => err instanceof DatawarpError && err.code === 'FILE_TRUNCATED',
  );
});

test('a Windows-1252 character far past an ASCII head is read as Windows-1252, not refused', async () => {
  const lines = ['id,name'];
  for (let i = 1; i <= 60000; i++) lines.push(`${i},plain ascii name ${i}`);
  const head = Buffer.from(lines.join('\n') + '\n');
  const file = write(
    'late_pound.csv',
    Buffer.concat([head, iconv.encode('60001,Café £5\n', 'windows-1252')]),
  );
  const spec = await detectFile(file);
  const all = await rows(file, spec);
  assert.deepEqual(all[all.length - 1], ['60001', 'Café £5']);
  const broken = write(
    'late_broken_utf8.csv',
    Buffer.concat([Buffer.from('id,name\n1,Zoë\n'), head, Buffer.from([0x31, 0x2c, 0xc3, 0x28, 0x0a])]),
  );
  const s2 = await detectFile(broken);
  await assert.rejects(
    rows(broken, s2),
    (err: unknown) => err instanceof DatawarpError && err.code === 'FILE_ENCODING',
  );
});

test('a column with no header and no value anywhere is a spacer and is left out', async () => {
  const file = write('spacer.csv', 'Region,,Count,\nNorth,,1,\nSouth,,2,\n');
  const t = (await detectFile(file)).tables[0]!;
  assert.deepEqual(
    t.columns.map((c) => [c.name, c.sourceIndex]),
    [
      ['region', 0],
      ['count', 2],
    ],
  );
  assert.deepEqual(await rows(file, await detectFile(file), 'typed'), [
    ['North', '1'],
    ['South', '2'],
  ]);
});

test('a spec printed as JSON replays: the same rows with detection off', async () => {
  const file = write(
    'replay.csv',
    'Title line\n\nday;amount;code\n01/02/2024;1.234,5;00L\n13/02/2024;7,25;U00070\n',
  );
  const spec = await detectFile(file);
  const replayed = JSON.parse(JSON.stringify(spec)) as FileSpec;
  assert.deepEqual(await rows(file, replayed, 'typed'), await rows(file, spec, 'typed'));
  assert.deepEqual(await rows(file, replayed, 'typed'), [
    ['2024-02-01', '1234.5', '00L'],
    ['2024-02-13', '7.25', 'U00070'],
  ]);
});

test("Excel's sep= line names the delimiter and is not data", async () => {
  const file = write('sep_line.csv', 'sep=;\r\nname;amount\r\nA,B;1\r\nC;2\r\n');
  const spec = await detectFile(file);
  assert.equal(spec.dialect?.delimiter, ';');
  assert.deepEqual(spec.tables[0]!.headerRows, [2, 2]);
  assert.deepEqual(await rows(file, spec), [
    ['A,B', '1'],
    ['C', '2'],
  ]);
});

test('a first row with a suppression marker is data, not a header', async () => {
  const file = write('marker_first.csv', 'North,*,5\nSouth,3,7\nEast,4,9\n');
  const t = (await detectFile(file)).tables[0]!;
  assert.equal(t.headerRows, null);
  assert.equal(t.rowCount, 3);
  assert.equal(t.columns[1]!.suppressed, 1);
});

test('a header with line breaks inside its quotes spans those physical lines', async () => {
  const file = write(
    'multiline_header.csv',
    '"Partner\nOrganisation\nCode",Name\nC85628,Caxton\nC85024,High Street\n',
  );
  const t = (await detectFile(file)).tables[0]!;
  assert.deepEqual(t.headerRows, [1, 3]);
  assert.deepEqual(t.dataRows, [4, 5]);
  assert.equal(t.columns[0]!.name, 'partner_organisation_code');
});
