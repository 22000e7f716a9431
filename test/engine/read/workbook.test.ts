import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { DatawarpError } from '../../../src/errors.js';
import { readWorkbook, serialToIso, sniffWorkbookFormat } from '../../../src/engine/read/workbook.js';
import { findTables } from '../../../src/engine/structure/index.js';
import { makeZip } from './zip-fixture.js';

type Aoa = (string | number | boolean | null)[][];

function book(
  sheets: Record<string, { aoa: Aoa; merges?: string[]; formats?: Record<string, string> }>,
  date1904 = false,
) {
  const wb = XLSX.utils.book_new();
  for (const [name, s] of Object.entries(sheets)) {
    const ws = XLSX.utils.aoa_to_sheet(s.aoa);
    if (s.merges) ws['!merges'] = s.merges.map((m) => XLSX.utils.decode_range(m));
    for (const [addr, z] of Object.entries(s.formats ?? {})) ws[addr]!.z = z;
    XLSX.utils.book_append_sheet(wb, ws, name);
  }
  wb.Workbook = { ...(wb.Workbook ?? {}), WBProps: { date1904 } };
  return wb;
}

const write = (wb: XLSX.WorkBook, bookType: XLSX.BookType = 'xlsx'): Buffer =>
  XLSX.write(wb, { type: 'buffer', bookType }) as Buffer;

async function rejects(p: Promise<unknown>, code: string): Promise<DatawarpError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DatawarpError, `expected DatawarpError, got ${String(err)}`);
    assert.equal(err.code, code, err.oneLine());
    assert.ok(err.hint, 'a user error carries a hint');
    return err;
  }
  assert.fail(`expected ${code}`);
}

test('cells keep kind, display text, native value and number format', async () => {
  const wb = book({
    Data: {
      aoa: [
        ['Code', 'Count', 'Share', 'Month', 'Open', 'Broken'],
        ['00L', 1234.5, 0.25, 45170, true, null],
      ],
      formats: { B2: '#,##0.0', C2: '0%', D2: 'mmm-yy' },
    },
  });
  wb.Sheets.Data!.F2 = { t: 'e', v: 0x17, w: '#REF!' };
  wb.Sheets.Data!['!ref'] = 'A1:F2';
  const { sheets, format } = await readWorkbook(write(wb), 'mem.xlsx');
  assert.equal(format, 'xlsx');
  const row = sheets[0]!.grid.rows[1]!;
  assert.deepEqual(row[0], { kind: 'string', text: '00L' });
  assert.equal(row[1]!.kind, 'number');
  assert.equal(row[1]!.text, '1,234.5');
  assert.equal(row[1]!.value, 1234.5);
  assert.equal(row[2]!.text, '25%');
  assert.equal(row[3]!.kind, 'date');
  assert.equal(row[3]!.text, 'Sep-23', 'mmm-yy shows month and year');
  assert.equal(row[3]!.value, '2023-09-01', 'serial 45170 is 1 September 2023, not a day-of-month reading');
  assert.equal(row[3]!.numFmt, 'mmm-yy');
  assert.equal(row[4]!.kind, 'boolean');
  assert.equal(row[4]!.value, true);
  assert.equal(row[5]!.kind, 'error');
  assert.equal(row[5]!.text, '#REF!');
});

test('the 1904 date system moves serials by 1,462 days', async () => {
  const aoa: Aoa = [['When'], [45170]];
  const w1900 = await readWorkbook(write(book({ S: { aoa, formats: { A2: 'yyyy-mm-dd' } } })), 'a.xlsx');
  const w1904 = await readWorkbook(
    write(book({ S: { aoa, formats: { A2: 'yyyy-mm-dd' } } }, true)),
    'b.xlsx',
  );
  assert.equal(w1904.date1904, true);
  assert.equal(w1900.sheets[0]!.grid.rows[1]![0]!.value, '2023-09-01');
  assert.equal(w1904.sheets[0]!.grid.rows[1]![0]!.value, '2027-09-02');
  assert.equal(w1904.sheets[0]!.grid.rows[1]![0]!.text, '2027-09-02', 'display text honours 1904 too');
  assert.equal(serialToIso(45170.5, false), '2023-09-01T12:00:00');
});

test('merges and hidden sheets come through; xls and ods read the same cells', async () => {
  const wb = book({
    Visible: {
      aoa: [
        ['', 'Sep-23', ''],
        ['Region', 'Admitted', 'Discharged'],
        ['North', 1, 2],
        ['South', 3, 4],
        ['East', 5, 6],
      ],
      merges: ['B1:C1'],
    },
    Lookup: {
      aoa: [
        ['k', 'v'],
        ['a', 1],
      ],
    },
  });
  wb.Workbook!.Sheets = [
    { name: 'Visible', Hidden: 0 },
    { name: 'Lookup', Hidden: 1 },
  ];
  for (const type of ['xlsx', 'xls', 'ods'] as const) {
    const bytes = write(wb, type === 'xls' ? 'biff8' : type);
    assert.equal(sniffWorkbookFormat(bytes), type);
    const read = await readWorkbook(bytes, `book.${type}`);
    assert.deepEqual(
      read.sheets.map((s) => s.name),
      ['Visible', 'Lookup'],
      type,
    );
    // SheetJS's ODS writer does not write sheet visibility, so only xlsx/xls carry it here
    if (type !== 'ods')
      assert.deepEqual(
        read.sheets.map((s) => s.hidden),
        [false, true],
        type,
      );
    const grid = read.sheets[0]!.grid;
    assert.deepEqual(grid.merges, [{ r1: 0, c1: 1, r2: 0, c2: 2 }], type);
    const [t] = findTables(grid);
    assert.deepEqual(t!.headers, ['Region', 'Sep-23 - Admitted', 'Sep-23 - Discharged'], type);
  }
});

test('a huge declared range with few cells is not materialised', async () => {
  const wb = book({
    S: {
      aoa: [
        ['a', 'b'],
        [1, 2],
      ],
    },
  });
  wb.Sheets.S!['!ref'] = 'A1:XFC40'; // like the community sitrep's Contents sheet
  const { sheets } = await readWorkbook(write(wb), 'wide.xlsx');
  assert.equal(sheets[0]!.grid.rows.length, 2);
  assert.equal(Math.max(...sheets[0]!.grid.rows.map((r) => r.length)), 2);
});

test('password-protected workbooks are refused as encrypted', async () => {
  // an encrypted xlsx is an OLE container with EncryptionInfo and EncryptedPackage streams
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x24, 0, 0, 0]));
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(4096, 7));
  const bytes = XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer;
  const err = await rejects(readWorkbook(bytes, 'secret.xlsx'), 'FILE_ENCRYPTED');
  assert.match(err.oneLine(), /^secret\.xlsx: .*password/);
});

test('a truncated xlsx is FILE_TRUNCATED; junk is FILE_UNSUPPORTED', async () => {
  const bytes = write(book({ S: { aoa: [['a'], [1]] } }));
  await rejects(readWorkbook(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.xlsx'), 'FILE_TRUNCATED');
  await rejects(readWorkbook(Buffer.from('hello, world\n'), 'x.xlsx'), 'FILE_UNSUPPORTED');
});

test('a workbook that inflates past the limits is refused before parsing', async () => {
  const limits = {
    maxMemberBytes: 1 << 20,
    maxTotalBytes: 2 << 20,
    maxRatio: 50,
    ratioFloorBytes: 1 << 16,
    maxEntries: 100,
  };
  const zeros = Buffer.alloc(4 << 20);
  const honest = makeZip([{ name: 'xl/worksheets/sheet1.xml', data: zeros, deflate: true }]);
  await rejects(readWorkbook(honest, 'bomb.xlsx', { limits }), 'FILE_TOO_LARGE');
  // the headers claim 1 KB, the data inflates to 4 MB: the real byte count stops it
  const liar = makeZip([
    { name: 'xl/worksheets/sheet1.xml', data: zeros, deflate: true, declaredSize: 1024 },
  ]);
  const err = await readWorkbook(liar, 'liar.xlsx', { limits }).catch((e: unknown) => e);
  assert.ok(
    err instanceof DatawarpError && ['FILE_TOO_LARGE', 'FILE_TRUNCATED'].includes(err.code),
    String(err),
  );
});

test('junk behind a workbook signature is a DatawarpError, never a crash', async () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 256;
  const good = write(
    book({
      S: {
        aoa: [
          ['a', 'b'],
          [1, 2],
        ],
      },
    }),
  );
  for (let i = 0; i < 40; i++) {
    const junk = Buffer.from(Array.from({ length: 64 + i * 37 }, () => Math.floor(rnd())));
    const prefix =
      i % 3 === 0
        ? Buffer.from([0x50, 0x4b, 0x03, 0x04])
        : i % 3 === 1
          ? Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
          : Buffer.alloc(0);
    // also a real workbook with bytes flipped in its middle
    const flipped = Buffer.from(good);
    for (let k = 0; k < 20; k++) flipped[100 + Math.floor(rnd() * 10) * ((i % 7) + 1)] = Math.floor(rnd());
    for (const bytes of [Buffer.concat([prefix, junk]), flipped]) {
      try {
        await readWorkbook(bytes, `junk${i}.xlsx`);
      } catch (err) {
        assert.ok(err instanceof DatawarpError, `junk ${i}: ${String(err)}`);
      }
    }
  }
});
