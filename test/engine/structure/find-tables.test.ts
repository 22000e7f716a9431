import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cell, CellRange, Grid } from '../../../src/engine/grid.js';
import { findTables } from '../../../src/engine/structure/index.js';

/** A grid from rows of plain values: numbers become number cells, '' empty, strings strings. */
function grid(rows: readonly (readonly (string | number | null)[])[], extra: Partial<Grid> = {}): Grid {
  return {
    rows: rows.map((row) =>
      row.map((v): Cell | undefined => {
        if (v === null || v === '') return undefined;
        if (typeof v === 'number') return { kind: 'number', text: String(v), value: v };
        return { kind: 'string', text: v };
      }),
    ),
    ...extra,
  };
}

/** A CSV-like grid: every cell a string. */
function textGrid(lines: readonly string[]): Grid {
  return {
    rows: lines.map((l) =>
      l.split(',').map((t): Cell | undefined => (t ? { kind: 'string', text: t } : undefined)),
    ),
  };
}

const merge = (r1: number, c1: number, r2: number, c2: number): CellRange => ({ r1, c1, r2, c2 });
const oneBased = (range: readonly [number, number] | null) => (range ? range.map((x) => x + 1) : null);

test('title and Contents rows above a header are preamble; a Source line below is a footer', () => {
  const tables = findTables(
    grid([
      ['Table 1: Missing organisations by day, September 2023'],
      ['Contents'],
      ['Date', 'Missing organisations'],
      ['01/09/2023', 2],
      ['02/09/2023', 3],
      ['03/09/2023', 0],
      [],
      ['Source: NHS England daily sitrep'],
    ]),
  );
  assert.equal(tables.length, 1);
  const [t] = tables;
  assert.equal(t!.kind, 'data', 'a real two-column table is data, not metadata');
  assert.deepEqual(oneBased(t!.headerRows), [3, 3]);
  assert.deepEqual(oneBased(t!.dataRows), [4, 6]);
  assert.deepEqual(t!.headers, ['Date', 'Missing organisations']);
  assert.equal(t!.title, 'Table 1: Missing organisations by day, September 2023');
});

test('a two-row header with merged date parents is flattened; a merged notes cell does not leak', () => {
  const notes =
    'Notes: \n1. Due to disclosure risks, trusts with fewer than 5 patients are suppressed.\n2. More.';
  const g = grid(
    [
      ['Table 2: Patients who no longer meet the criteria to reside'],
      ['Contents'],
      ['', '', '', '01/09/2023', '', '02/09/2023', ''],
      [notes, '', '', 'Remaining', 'Discharged', 'Remaining', 'Discharged'],
      ['', '', 'ENGLAND', 25042, 12828, 21215, 9237],
      ['', '', 'LONDON', 3240, 1624, 2773, 1271],
      ['', '', 'MIDLANDS', 4616, 2251, 4007, 1796],
    ],
    { merges: [merge(3, 0, 3, 2), merge(2, 3, 2, 4), merge(2, 5, 2, 6), merge(0, 0, 0, 2)] },
  );
  const [t, ...rest] = findTables(g);
  assert.equal(rest.length, 0);
  assert.deepEqual(oneBased(t!.headerRows), [3, 4]);
  assert.deepEqual(oneBased(t!.dataRows), [5, 7]);
  assert.deepEqual(t!.columns, [2, 3, 4, 5, 6]);
  assert.deepEqual(t!.headers, [
    '',
    '01/09/2023 - Remaining',
    '01/09/2023 - Discharged',
    '02/09/2023 - Remaining',
    '02/09/2023 - Discharged',
  ]);
  assert.ok(!t!.headers.some((h) => /disclosure|Notes/.test(h)), 'notes text never becomes a column name');
});

test('stacked sub-tables are separate tables; each inherits the measure headers from the top', () => {
  const g = grid([
    ['', '', '', '', 'Admitted', 'Discharged'],
    ['', '', '', 'ENGLAND', 100, 90],
    ['', '', '', 'LONDON', 40, 30],
    ['', '', '', 'MIDLANDS', 60, 60],
    [],
    ['', 'Region', 'ICB Code', 'ICB Name'],
    ['', 'LONDON', 'QRV', 'NHS North West London', 20, 10],
    ['', 'LONDON', 'QMJ', 'NHS North Central London', 20, 20],
    ['', 'MIDLANDS', 'QNC', 'NHS Staffordshire', 60, 60],
    [],
    ['', 'Region', 'Org Code', 'Org Name'],
    ['', 'LONDON', 'RAJ', 'Some Trust', 40, 30],
    ['', 'MIDLANDS', 'RC9', 'Other Trust', 60, 60],
  ]);
  const tables = findTables(g);
  assert.equal(tables.length, 3, 'region, ICB and provider blocks are not glued together');
  const [regions, icbs, providers] = tables;
  assert.deepEqual(oneBased(regions!.dataRows), [2, 4]);
  assert.deepEqual(oneBased(icbs!.headerRows), [6, 6]);
  assert.deepEqual(oneBased(icbs!.dataRows), [7, 9]);
  assert.deepEqual(icbs!.headers, ['Region', 'ICB Code', 'ICB Name', 'Admitted', 'Discharged']);
  assert.deepEqual(regions!.columns, [3, 4, 5]);
  assert.deepEqual(
    regions!.headers,
    ['Region', 'Admitted', 'Discharged'],
    'the headerless label column is named after the column below holding the same regions',
  );
  assert.match(regions!.warnings.join(' '), /column 1 has no header: named "Region"/);
  assert.deepEqual(oneBased(providers!.headerRows), [11, 11]);
  assert.deepEqual(providers!.headers, ['Region', 'Org Code', 'Org Name', 'Admitted', 'Discharged']);
  assert.deepEqual(oneBased(providers!.dataRows), [12, 13]);
});

test('a headerless label column keeps its blank when no other table holds the same labels', () => {
  const g = grid([
    ['', '', '', '', 'Admitted', 'Discharged'],
    ['', '', '', 'ENGLAND', 100, 90],
    ['', '', '', 'LONDON', 40, 30],
    ['', '', '', 'MIDLANDS', 60, 60],
    [],
    ['', 'Trust', 'Org Code', 'Org Name'],
    ['', 'Barts', 'R1H', 'Barts Health', 20, 10],
    ['', 'Kings', 'RJZ', 'Kings College', 20, 20],
  ]);
  const [regions, trusts] = findTables(g);
  assert.deepEqual(regions!.headers, ['', 'Admitted', 'Discharged']);
  assert.equal(trusts!.headers[0], 'Trust');
});

test('an all-text table keeps its first data rows out of the header', () => {
  const g = grid([
    ['PCN Code', 'PCN Name', 'CCG Code', 'Open Date', 'Close Date'],
    ['U16464', 'Alpha PCN', '02P', '20191001', ''],
    ['U00070', 'Beta PCN', '00L', '20200401', ''],
    ['U12345', 'Gamma PCN', '15N', '20190701', '20220331'],
  ]);
  const [t] = findTables(g);
  assert.deepEqual(oneBased(t!.headerRows), [1, 1]);
  assert.deepEqual(oneBased(t!.dataRows), [2, 4]);
  const codesOnly = grid([
    ['Code', 'Name', 'Parent'],
    ['A81001', 'THE DENSHAM SURGERY', 'Y60'],
    ['A81002', 'QUEENS PARK MEDICAL CENTRE', 'Y61'],
  ]);
  const [c] = findTables(codesOnly);
  assert.equal(c!.kind, 'data');
  assert.deepEqual(oneBased(c!.headerRows), [1, 1]);
  assert.deepEqual(oneBased(c!.dataRows), [2, 3]);
});

test('headerless data (ODS epraccur style) gets no header row', () => {
  const g = textGrid([
    'A81001,THE DENSHAM SURGERY,Y63,19740401,,1',
    'A81002,QUEENS PARK MEDICAL CENTRE,Y63,19740401,,2',
    'A81004,BLUEBELL MEDICAL CENTRE,Y63,19740401,20210331,3',
  ]);
  const [t] = findTables(g);
  assert.equal(t!.headerRows, null);
  assert.deepEqual(oneBased(t!.dataRows), [1, 3]);
  assert.deepEqual(t!.headers, ['', '', '', '', '', '']);
});

test('side-by-side tables split at an empty column; a spacer column inside a table does not', () => {
  const g = grid([
    ['Region', 'Beds', '', 'Trust', 'Staff'],
    ['North', 10, '', 'RAJ', 100],
    ['South', 20, '', 'RC9', 200],
    ['East', 30, '', 'RCX', 300],
  ]);
  const tables = findTables(g);
  assert.equal(tables.length, 2);
  assert.deepEqual(tables[0]!.columns, [0, 1]);
  assert.deepEqual(tables[1]!.columns, [3, 4]);
  assert.deepEqual(tables[1]!.headers, ['Trust', 'Staff']);

  const spacer = grid([
    ['Region', 'Beds', '', 'Staff', 'Nurses'],
    ['North', 10, '', 100, 5],
    ['South', 20, '', 200, 6],
  ]);
  const [one, ...none] = findTables(spacer);
  assert.equal(none.length, 0);
  assert.deepEqual(one!.columns, [0, 1, 3, 4], 'the blank spacer column is left out');
});

test('repeated header rows and blank rows inside the data are skipped, not split', () => {
  const g = textGrid(['name,value', 'a,1', 'b,2', 'name,value', 'c,3', '', 'd,4', 'e,5']);
  const tables = findTables(g);
  assert.equal(tables.length, 1);
  assert.deepEqual(oneBased(tables[0]!.dataRows), [2, 8]);
  assert.deepEqual(
    tables[0]!.skipRows.map((r) => r + 1),
    [4, 6],
  );
});

test('cover and contents sheets are notes; a notes-named sheet with numbers is data', () => {
  const cover = grid(
    [
      [],
      ['', 'Title:', 'Acute Daily Discharge Situation Report'],
      ['', 'Summary:', 'Daily discharge data'],
      ['', 'Published:', 'Thursday, October 12, 2023'],
      ['', 'Status:', 'Published'],
    ],
    { sheet: 'Cover Sheet' },
  );
  const [c] = findTables(cover);
  assert.equal(c!.kind, 'notes');
  const contents = grid(
    [
      ['Contents'],
      [],
      ['Table 1', 'Number of organisations for whom no data was submitted'],
      ['Table 2', 'Number of patients who no longer meet the criteria to reside'],
    ],
    { sheet: 'Contents' },
  );
  assert.deepEqual(
    findTables(contents).map((t) => t.kind),
    ['notes'],
  );
  const numbers = grid(
    [
      ['Code', 'Count'],
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ],
    { sheet: 'Notes' },
  );
  assert.equal(findTables(numbers)[0]!.kind, 'data');
});

test('a merged parent over an all-text table makes a two-row header', () => {
  const g = grid(
    [
      ['Practice', '', 'Address', ''],
      ['Code', 'Name', 'Town', 'Postcode'],
      ['A81001', 'Densham', 'Stockton', 'TS18 1HU'],
      ['A81002', 'Queens Park', 'Stockton', 'TS18 2AW'],
    ],
    { merges: [merge(0, 0, 0, 1), merge(0, 2, 0, 3)] },
  );
  const [t] = findTables(g);
  assert.deepEqual(oneBased(t!.headerRows), [1, 2]);
  assert.deepEqual(t!.headers, [
    'Practice - Code',
    'Practice - Name',
    'Address - Town',
    'Address - Postcode',
  ]);
});

test('a text parent row without merges (CSV) is spread over the columns to its right', () => {
  const g = textGrid(['Area,2023,,2024,', 'Name,Beds,Staff,Beds,Staff', 'North,1,2,3,4', 'South,5,6,7,8']);
  const [t] = findTables(g);
  assert.deepEqual(oneBased(t!.headerRows), [1, 2]);
  assert.deepEqual(t!.headers, ['Area - Name', '2023 - Beds', '2023 - Staff', '2024 - Beds', '2024 - Staff']);
});

test('suppression markers in numeric columns do not end the data', () => {
  const g = textGrid(['Org,Count,Rate', 'A,5,1.2', 'B,*,[c]', 'C,..,:', 'D,7,2.5']);
  const [t] = findTables(g);
  assert.deepEqual(oneBased(t!.dataRows), [2, 5]);
});

test('an empty grid gives no tables; a header-only file gives a header and no data rows', () => {
  assert.deepEqual(findTables({ rows: [] }), []);
  const [t] = findTables(textGrid(['id,name,city']));
  assert.deepEqual(oneBased(t!.headerRows), [1, 1]);
  assert.ok(t!.dataRows[1] < t!.dataRows[0], 'no data rows');
});

test('header cells merged down over a blank row make a two-row header, not a gap', () => {
  const g = grid(
    [
      ['Code', 'Name', 'Town', ''],
      [],
      ['E1', 'Densham', 'Stockton', ''],
      ['E2', 'Queens Park', 'Stockton', ''],
    ],
    { merges: [merge(0, 0, 1, 0), merge(0, 1, 1, 1), merge(0, 2, 1, 3)] },
  );
  const tables = findTables(g);
  assert.equal(tables.length, 1);
  assert.deepEqual(oneBased(tables[0]!.headerRows), [1, 2]);
  assert.deepEqual(oneBased(tables[0]!.dataRows), [3, 4]);
  assert.deepEqual(tables[0]!.headers, ['Code', 'Name', 'Town']);
});

test('years as column headers are a header row, not a data row', () => {
  const g = grid([
    ['Table 1: Population by local authority', '', '', ''],
    ['Area code', 'Area name', 2021, 2022],
    ['E06000001', 'Hartlepool', 92338, 93002],
    ['E06000002', 'Middlesbrough', 143924, 145018],
    ['E06000003', 'Redcar and Cleveland', '[c]', 137555],
  ]);
  const [t] = findTables(g);
  assert.deepEqual(oneBased(t!.headerRows), [2, 2]);
  assert.deepEqual(oneBased(t!.dataRows), [3, 5]);
  assert.deepEqual(t!.headers, ['Area code', 'Area name', '2021', '2022']);
  const csv = findTables(textGrid(['Area,2019,2020', 'North,1.5,2.5', 'South,3.25,4.75']));
  assert.deepEqual(oneBased(csv[0]!.headerRows), [1, 1]);
});

test('side-by-side tables each keep their own title out of the header', () => {
  const g = grid([
    ['Table A: Beds', '', '', '', 'Table B: Staff', '', ''],
    ['Region', 'Beds', 'Occupied', '', 'Region', 'Nurses', 'Doctors'],
    ['North', 10, 8, '', 'North', 100, 20],
    ['South', 20, 15, '', 'South', 200, 30],
  ]);
  const tables = findTables(g);
  assert.deepEqual(
    tables.map((t) => [oneBased(t.headerRows), t.headers, t.title]),
    [
      [[2, 2], ['Region', 'Beds', 'Occupied'], 'Table A: Beds'],
      [[2, 2], ['Region', 'Nurses', 'Doctors'], 'Table B: Staff'],
    ],
  );
});

test('a units row joins the header; a section label row under the header does not', () => {
  const units = grid([
    ['Provider', 'Spend', 'Income', 'Margin'],
    ['', '£m', '£m', '%'],
    ['RAJ', 10.5, 12.1, 0.13],
    ['RC9', 20.5, 22.1, 0.07],
  ]);
  assert.deepEqual(findTables(units)[0]!.headers, ['Provider', 'Spend - £m', 'Income - £m', 'Margin - %']);
  const sections = grid([
    ['Org', 'Beds', 'Staff'],
    ['North'],
    ['RAJ', 10, 100],
    ['RC9', 20, 200],
    ['South'],
    ['RCX', 30, 300],
  ]);
  const [t] = findTables(sections);
  assert.deepEqual(oneBased(t!.headerRows), [1, 1]);
  assert.deepEqual(t!.headers, ['Org', 'Beds', 'Staff']);
  assert.deepEqual(oneBased(t!.dataRows), [2, 6]);
});

test('a title merged across the whole table width is a title, not a parent header', () => {
  const g = grid(
    [
      ['Attendances by trust, September 2023', '', ''],
      ['Trust', 'Type 1', 'Type 2'],
      ['RAJ', 100, 20],
      ['RC9', 200, 30],
    ],
    { merges: [merge(0, 0, 0, 2)] },
  );
  const [t] = findTables(g);
  assert.deepEqual(oneBased(t!.headerRows), [2, 2]);
  assert.deepEqual(t!.headers, ['Trust', 'Type 1', 'Type 2']);
  assert.equal(t!.title, 'Attendances by trust, September 2023');
});

test('key/value lines right above the header are preamble, not header rows', () => {
  const g = textGrid([
    'Publication:,Monthly beds,,,',
    'Period:,September 2023,,,',
    'Trust,Name,Beds,Occupied,Rate',
    'RAJ,Mid Essex,10,8,0.8',
    'RC9,Bedford,20,15,0.75',
    'RCX,QEH,30,25,0.83',
  ]);
  const [t] = findTables(g);
  assert.deepEqual(oneBased(t!.headerRows), [3, 3]);
  assert.deepEqual(t!.headers, ['Trust', 'Name', 'Beds', 'Occupied', 'Rate']);
});
