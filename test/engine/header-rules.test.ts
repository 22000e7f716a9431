/**
 * Header rules found wrong in use: a long header written over several lines, years as column
 * headers, and all-text tables with a repeated header row. Each test writes its own fixture.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { detectFile, readTable, type FileSpec, type Row } from '../../src/engine/index.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir('datawarp-header-');

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function csv(rows: readonly (readonly string[])[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(quote).join(',')).join('\n') + '\n';
}

function workbook(name: string, aoa: unknown[][]): string {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), 'Data');
  const file = path.join(dir, name);
  fs.writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  return file;
}

async function rows(file: string, spec: FileSpec, id = 't1'): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of readTable(file, spec, id, { values: 'display' })) out.push(r);
  return out;
}

// a survey question as a header, with line breaks as a spreadsheet author types them (Alt+Enter)
const LONG =
  'Number of patients registered at the practice on the last day of the quarter\n' +
  'who are aged between eighteen and twenty-four years inclusive, excluding temporary residents\n' +
  'and patients registered for immediate and necessary treatment only (see the technical notes)\n' +
  'as reported by the practice clinical system at the extraction date';

test('a 300-character header over several lines names its column: <= 63 bytes, hash tail, text kept', async () => {
  assert.ok(LONG.length >= 300);
  const body = Array.from({ length: 12 }, (_, i) => [String(i + 1), `Practice ${i + 1}`, String(i * 7)]);
  const text = write('long-header.csv', csv([['id', 'name', LONG], ...body]));
  const book = workbook('long-header.xlsx', [
    ['id', 'name', LONG],
    ...body.map(([a, b, c]) => [+a!, b, +c!]),
  ]);
  const names: string[] = [];
  for (const file of [text, book]) {
    const spec = await detectFile(file);
    assert.equal(spec.tables.length, 1, file);
    const t = spec.tables[0]!;
    assert.notEqual(t.headerRows, null, `${file}: the header row is a header`);
    const col = t.columns[2]!;
    assert.equal(col.header, LONG.replace(/\s+/g, ' '), `${file}: the header text is kept`);
    assert.ok(Buffer.byteLength(col.name) <= 63, col.name);
    assert.match(col.name, /^number_of_patients_registered_at_the_practice_[a-z0-9_]*_[0-9a-f]{8}$/);
    assert.equal(col.type, 'integer');
    names.push(col.name);
    assert.deepEqual(
      (await rows(file, spec)).map((r) => r[2]),
      body.map((r) => r[2]),
      `${file}: no data row lost to the header`,
    );
  }
  // the same header gets the same name in a CSV and in a workbook, every time
  assert.equal(names[0], names[1]);
  assert.equal((await detectFile(text)).tables[0]!.columns[2]!.name, names[0]);
});

test('two long headers that share their first 63 bytes get different names', async () => {
  const a = `${LONG}\n(men)`;
  const b = `${LONG}\n(women)`;
  const file = write(
    'long-pair.csv',
    csv([
      ['id', a, b],
      ['1', '5', '6'],
      ['2', '7', '8'],
      ['3', '9', '10'],
    ]),
  );
  const t = (await detectFile(file)).tables[0]!;
  assert.equal(t.columns.length, 3);
  assert.notEqual(t.columns[1]!.name, t.columns[2]!.name);
  assert.deepEqual(
    t.columns.slice(1).map((c) => c.header),
    [a, b].map((h) => h.replace(/\s+/g, ' ')),
  );
});

test('a table whose every header is long and over several lines keeps them all', async () => {
  const men = `${LONG}\n(men)`;
  const women = `${LONG}\n(women)`;
  const body = [
    [12, 14],
    [15, 17],
    [18, 19],
  ];
  for (const file of [
    write('all-long.csv', csv([[men, women], ...body.map((r) => r.map(String))])),
    workbook('all-long.xlsx', [[men, women], ...body]),
  ]) {
    const t = (await detectFile(file)).tables[0]!;
    assert.deepEqual(
      t.columns.map((c) => c.header),
      [men, women].map((h) => h.replace(/\s+/g, ' ')),
      file,
    );
    assert.equal(t.rowCount, 3, file);
  }
});

test('a note paragraph beside or below a table is still a note, not a header', async () => {
  const note = 'Notes:\n1. Figures are rounded to the nearest five.\n2. Suppressed values are shown as *.';
  const file = workbook('note-beside.xlsx', [
    ['Region', 'Count', '', note],
    ['North', 10],
    ['South', 20],
    ['East', 30],
  ]);
  const t = (await detectFile(file)).tables.find((x) => x.kind === 'data')!;
  assert.deepEqual(
    t.columns.map((c) => c.header),
    ['Region', 'Count'],
  );
});

async function headerOf(file: string): Promise<string[] | null> {
  const t = (await detectFile(file)).tables[0]!;
  return t.headerRows ? t.columns.map((c) => c.header) : null;
}

test('years over counts are a header, in a CSV and in a workbook, also with one year or suppressed cells', async () => {
  const cases: [string, string[][]][] = [
    [
      'one-year',
      [
        ['Org', '2024'],
        ['A01', '12'],
        ['A02', '130'],
        ['A03', '7'],
      ],
    ],
    [
      'suppressed',
      [
        ['Org', '2023', '2024'],
        ['A01', '12', '15'],
        ['A02', '', '16'],
        ['A03', '*', '17'],
      ],
    ],
    [
      'months',
      [
        ['Org', '202310', '202311'],
        ['A01', '1200', '1315'],
        ['A02', '87', '91'],
        ['A03', '640', '702'],
      ],
    ],
    [
      'decimals',
      [
        ['Org', 'Name', '2023', '2024'],
        ['A01', 'North', '12.5', '1.5'],
        ['A02', 'South', '3.25', '2.5'],
      ],
    ],
  ];
  for (const [name, table] of cases) {
    const text = write(`years-${name}.csv`, csv(table));
    const book = workbook(
      `years-${name}.xlsx`,
      table.map((r, i) => r.map((v) => (i > 0 && /^[\d.]+$/.test(v) ? Number(v) : v === '' ? null : v))),
    );
    for (const file of [text, book]) {
      const spec = await detectFile(file);
      const t = spec.tables[0]!;
      assert.deepEqual(await headerOf(file), table[0], file);
      assert.equal(t.rowCount, table.length - 1, file);
      assert.deepEqual(
        t.columns.filter((c) => /^\d{4}(\d\d)?$/.test(c.header)).map((c) => [c.name, c.type]),
        table[0]!
          .filter((h) => /^\d{4}(\d\d)?$/.test(h))
          .map((h) => [`_${h}`, name === 'decimals' ? 'numeric' : 'integer']),
        file,
      );
    }
  }
});

test('a headerless file whose first record holds a year stays headerless', async () => {
  const cases: [string, string[][]][] = [
    // a code over codes of the same shape: data, even though 2023 could be a year
    [
      'code-first',
      [
        ['A01', '2023'],
        ['A02', '1500'],
        ['A03', '812'],
        ['A04', '3100'],
      ],
    ],
    // a name over names, one year-like count: nothing says header
    [
      'name-first',
      [
        ['Alpha', '2023'],
        ['Beta', '12'],
        ['Gamma', '15'],
      ],
    ],
    // columns of years: the first row's years are data like the rest
    [
      'year-columns',
      [
        ['North', '2023', '1999'],
        ['South', '2001', '2010'],
        ['East', '1998', '2005'],
      ],
    ],
    [
      'year-body',
      [
        ['A01', '2023', '2024'],
        ['A02', '2023', '2024'],
        ['A03', '2024', '2025'],
      ],
    ],
  ];
  for (const [name, table] of cases) {
    const file = write(`headerless-${name}.csv`, csv(table));
    const t = (await detectFile(file)).tables[0]!;
    assert.equal(t.headerRows, null, file);
    assert.equal(t.rowCount, table.length, file);
    assert.deepEqual(
      t.columns.map((c) => c.name),
      table[0]!.map((_, j) => `column_${j + 1}`),
    );
  }
});

function pcnRows(from: number, n: number): string[][] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return [
      `U${16464 + k}`,
      `NORTH ${k % 3} PCN`,
      `C8${String(5600 + k).padStart(4, '0')}`,
      `THE SURGERY ${k}`,
    ];
  });
}

test('an all-text table with its header repeated further down has that header, and skips the repeat', async () => {
  const header = ['PCN Code', 'PCN Name', 'Practice Code', 'Practice Name'];
  const data = [...pcnRows(0, 6), ...pcnRows(6, 6)];
  const table = [header, ...data.slice(0, 6), header, ...data.slice(6)];
  const files = [
    write('pcn-repeat.csv', csv(table)),
    workbook('pcn-repeat.xlsx', table),
    (() => {
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(table), 'PCNDetails');
      const file = path.join(dir, 'pcn-repeat.ods');
      fs.writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'ods' }) as Buffer);
      return file;
    })(),
  ];
  for (const file of files) {
    const spec = await detectFile(file);
    assert.equal(spec.tables.filter((t) => t.kind === 'data').length, 1, file);
    const t = spec.tables[0]!;
    assert.deepEqual(t.headerRows, [1, 1], file);
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.header, c.type]),
      header.map((h) => [h.toLowerCase().replace(' ', '_'), h, 'text']),
      file,
    );
    assert.equal(t.rowCount, data.length, file);
    assert.deepEqual(await rows(file, spec), data, `${file}: the repeated header is not a data row`);
  }
});

test('an all-text headerless file of codes stays headerless, also when a row repeats', async () => {
  const data = pcnRows(0, 8);
  const file = write('pcn-headerless.csv', csv([...data, data[0]!]));
  const t = (await detectFile(file)).tables[0]!;
  assert.equal(t.headerRows, null);
  assert.equal(t.rowCount, data.length + 1);
});
