import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { detectFile, readTable, type FileSpec } from '../../src/engine/index.js';
import { DatawarpError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir('datawarp-wb-');

function save(
  name: string,
  sheets: Record<string, { aoa: unknown[][]; merges?: string[]; z?: Record<string, string> }>,
  hidden: string[] = [],
): string {
  const wb = XLSX.utils.book_new();
  for (const [sheet, s] of Object.entries(sheets)) {
    const ws = XLSX.utils.aoa_to_sheet(s.aoa);
    if (s.merges) ws['!merges'] = s.merges.map((m) => XLSX.utils.decode_range(m));
    for (const [addr, z] of Object.entries(s.z ?? {})) ws[addr]!.z = z;
    XLSX.utils.book_append_sheet(wb, ws, sheet);
  }
  wb.Workbook = { Sheets: Object.keys(sheets).map((n) => ({ name: n, Hidden: hidden.includes(n) ? 1 : 0 })) };
  const file = path.join(dir, name);
  fs.writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  return file;
}

async function rows(file: string, spec: FileSpec, id: string, values: 'display' | 'typed') {
  const out: (string | null)[][] = [];
  for await (const r of readTable(file, spec, id, { values })) out.push([...r]);
  return out;
}

test('a publication workbook: cover sheet as notes, stacked blocks as tables, mmm-yy months', async () => {
  const file = save(
    'referrals_sep_2023.xlsx',
    {
      Cover: {
        aoa: [
          [],
          ['', 'Title:', 'Referrals'],
          ['', 'Published:', '12 October 2023'],
          ['', 'Status:', 'Published'],
        ],
      },
      Data: {
        aoa: [
          ['Table 1: Referrals by month'],
          [],
          ['Month', 'Region', 'Referrals', 'Rate'],
          [45184, 'North', 1200, '*'],
          [45214, 'North', 1300, 0.5],
          [45245, 'South', 900, 0.25],
          [],
          ['Source: NHS England'],
        ],
        z: { A4: 'mmm-yy', A5: 'mmm-yy', A6: 'mmm-yy' },
      },
      Lookup: {
        aoa: [
          ['Code', 'Name'],
          ['N', 'North'],
          ['S', 'South'],
        ],
      },
    },
    ['Lookup'],
  );
  const spec = await detectFile(file);
  assert.equal(spec.format, 'xlsx');
  assert.equal(spec.period?.code, '2023-09');
  assert.deepEqual(
    spec.tables.map((t) => [t.id, t.sheet, t.kind, t.headerRows, t.dataRows, t.rowCount]),
    [
      ['t1', 'Cover', 'notes', null, [2, 4], 3],
      ['t2', 'Data', 'data', [3, 3], [4, 6], 3],
      ['t3', 'Lookup', 'data', [1, 1], [2, 3], 2],
    ],
  );
  const data = spec.tables[1]!;
  assert.deepEqual(
    data.columns.map((c) => [c.name, c.type, c.suppressed]),
    [
      ['month', 'date', 0],
      ['region', 'text', 0],
      ['referrals', 'integer', 0],
      ['rate', 'numeric', 1],
    ],
  );
  assert.ok(
    spec.tables[2]!.warnings.some((w) => /hidden/.test(w)),
    'a hidden sheet is flagged',
  );
  assert.deepEqual(await rows(file, spec, 't2', 'display'), [
    ['Sep-23', 'North', '1200', '*'],
    ['Oct-23', 'North', '1300', '0.5'],
    ['Nov-23', 'South', '900', '0.25'],
  ]);
  // 45184 is 15 September 2023, shown as Sep-23: the month, never day 15 or 23
  assert.deepEqual(
    (await rows(file, spec, 't2', 'typed')).map((r) => r[0]),
    ['2023-09-01', '2023-10-01', '2023-11-01'],
  );
});

test('--sheet by name or position; an unknown sheet names the sheets there are', async () => {
  const file = save('two.xlsx', {
    A: {
      aoa: [
        ['x', 'y'],
        [1, 2],
        [3, 4],
      ],
    },
    B: {
      aoa: [
        ['p', 'q'],
        ['a', 1],
        ['b', 2],
      ],
    },
  });
  assert.deepEqual(
    (await detectFile(file, { sheet: 'B' })).tables.map((t) => t.sheet),
    ['B'],
  );
  assert.deepEqual(
    (await detectFile(file, { sheet: '1' })).tables.map((t) => t.sheet),
    ['A'],
  );
  await assert.rejects(
    detectFile(file, { sheet: 'C' }),
    (e: unknown) => e instanceof DatawarpError && /sheets: A, B/.test(e.hint ?? ''),
  );
});

test('headerless option and supplied column names replay through the read', async () => {
  const file = save('codes.xlsx', {
    S: {
      aoa: [
        ['A81001', 'DENSHAM', 19740401],
        ['A81002', 'QUEENS PARK', 19740401],
        ['A81004', 'BLUEBELL', 19740401],
      ],
    },
  });
  const spec = await detectFile(file, { headerless: true, columnNames: ['code', 'name', 'opened'] });
  const [t] = spec.tables;
  assert.equal(t!.headerRows, null);
  assert.deepEqual(
    t!.columns.map((c) => c.name),
    ['code', 'name', 'opened'],
  );
  assert.equal(t!.rowCount, 3);
  assert.deepEqual((await rows(file, spec, t!.id, 'display'))[0], ['A81001', 'DENSHAM', '19740401']);
});

test('an .xls that is an HTML table or Excel 2003 XML reads as a workbook; an HTML page is refused', async () => {
  const html = path.join(dir, 'beds.xls');
  fs.writeFileSync(
    html,
    '<html><body><table><tr><td>Code</td><td>Beds</td></tr><tr><td>RAJ</td><td>10</td></tr><tr><td>RC9</td><td>20</td></tr></table></body></html>',
  );
  const xml = path.join(dir, 'beds2003.xls');
  fs.writeFileSync(
    xml,
    '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Beds"><Table>' +
      '<Row><Cell><Data ss:Type="String">Code</Data></Cell><Cell><Data ss:Type="String">Beds</Data></Cell></Row>' +
      '<Row><Cell><Data ss:Type="String">RAJ</Data></Cell><Cell><Data ss:Type="Number">10</Data></Cell></Row>' +
      '<Row><Cell><Data ss:Type="String">RC9</Data></Cell><Cell><Data ss:Type="Number">20</Data></Cell></Row></Table></Worksheet></Workbook>',
  );
  for (const file of [html, xml]) {
    const spec = await detectFile(file);
    assert.equal(spec.format, 'xls');
    assert.deepEqual(
      spec.tables[0]!.columns.map((c) => [c.name, c.type]),
      [
        ['code', 'text'],
        ['beds', 'integer'],
      ],
    );
    assert.deepEqual(await rows(file, spec, 't1', 'typed'), [
      ['RAJ', '10'],
      ['RC9', '20'],
    ]);
  }
  const page = path.join(dir, 'download.csv');
  fs.writeFileSync(page, '<!DOCTYPE html><html><body>Page not found</body></html>');
  await assert.rejects(
    detectFile(page),
    (e: unknown) =>
      e instanceof DatawarpError && e.code === 'FILE_UNSUPPORTED' && /HTML page/.test(e.message),
  );
});
