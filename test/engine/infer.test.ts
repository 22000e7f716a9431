import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cell } from '../../src/engine/grid.js';
import {
  ColumnStats,
  convertCell,
  decideColumn,
  excelSerialToIso,
  inferColumns,
  Misfit,
  parseNumber,
  textConverter,
} from '../../src/engine/infer/index.js';
import type { PgType } from '../../src/engine/table-spec.js';

function guess(values: string[]) {
  const s = new ColumnStats();
  for (const v of values) s.observeText(v);
  return decideColumn(s, 'col');
}

test('the most specific type that every value fits', () => {
  const cases: [string[], PgType][] = [
    [['1', '2', '-3'], 'integer'],
    [['1', '3000000000'], 'bigint'],
    [['1', '99999999999999999999'], 'numeric'],
    [['1.5', '2'], 'numeric'],
    [['1e5', '2.5'], 'double precision'],
    [['true', 'FALSE', 'yes'], 'boolean'],
    [['Y', 'N'], 'text'],
    [['2024-03-08', '03/10/2024'], 'text'],
    [['2024-01-31', '2024-02-29'], 'date'],
    [['2024-01-31 10:00:00', '2024-02-01'], 'timestamp'],
    [['01JAN2021', '15MAR2021'], 'date'],
    [['20191001', '20200131'], 'date'],
    [['a', '1'], 'text'],
    [['1', '2024-01-01'], 'text'],
    [['12:30', '13:45'], 'text'],
    [['2024-02-29', '2024-02-30'], 'text'],
    [['31/04/2024', '01/01/2024'], 'text'],
    [['0.5', '-12.25', '3'], 'numeric'],
  ];
  for (const [values, type] of cases) assert.equal(guess(values).type, type, values.join(' | '));
});

test('thousands separators, currency and percentages are numbers; codes with leading zeros or letters stay text', () => {
  assert.equal(guess(['1,234', '56', '1,000,000']).type, 'integer');
  assert.equal(guess(['£12.50', '£3', '-£4.10']).type, 'numeric');
  assert.equal(guess(['12.5%', '3%']).type, 'numeric');
  assert.equal(guess(['00L', '02P']).type, 'text');
  assert.equal(guess(['U00070', 'C85628']).type, 'text');
  assert.equal(guess(['007', '012']).type, 'text', 'leading zeros mean a code');
  assert.equal(
    guess(['1,23', '4']).format?.decimal,
    ',',
    'a comma that cannot group thousands is a decimal comma',
  );
  assert.equal(guess(['1,23', 'x1']).type, 'text');
  const eu = guess(['1,5', '0,25', '1.234,75', '12']);
  assert.equal(eu.type, 'numeric', 'decimal commas where the usual reading fails');
  assert.equal(eu.format?.decimal, ',');
  assert.equal(textConverter('numeric', eu.format)('1.234,75'), '1234.75');
  assert.equal(guess(['1,234', '5,678']).format?.decimal, undefined, '1,234 stays thousands');
  const n = parseNumber('(1,234.50)');
  assert.equal(n?.value, '-1234.50');
});

test('suppression markers load as null and are counted, but only in typed columns', () => {
  const g = guess(['5', '*', '[c]', '12', 'z', ':', '..', '-', '[x]', 'x', 'c']);
  assert.equal(g.type, 'integer');
  assert.equal(g.suppressed, 9);
  assert.equal(g.nullable, true);
  const text = guess(['North', '-', 'South', 'c']);
  assert.equal(text.type, 'text');
  assert.equal(text.suppressed, 0, 'in a text column - and c are values');
  const unknown = guess(['5', 'unknown', '7']);
  assert.equal(unknown.type, 'text', 'unknown is a value, not a marker');
});

test('day/month order: UK by default with a warning, forced by a value over 12', () => {
  const ambiguous = guess(['01/02/2024', '03/04/2024']);
  assert.equal(ambiguous.type, 'date');
  assert.equal(ambiguous.format?.dateOrder, 'dmy');
  assert.match(ambiguous.warnings.join(), /UK day\/month/);
  const uk = guess(['01/02/2024', '13/04/2024']);
  assert.equal(uk.format?.dateOrder, 'dmy');
  assert.deepEqual(uk.warnings, []);
  const us = guess(['01/02/2024', '04/13/2024']);
  assert.equal(us.format?.dateOrder, 'mdy');
  assert.equal(guess(['13/01/2024', '01/13/2024']).type, 'text', 'no order reads both');
  const yy = guess(['31/12/99', '01/02/24']);
  assert.equal(yy.type, 'date');
  assert.match(yy.warnings.join(), /two-digit years/);
  assert.equal(textConverter('date', yy.format)('31/12/99'), '1999-12-31');
  assert.equal(textConverter('date', yy.format)('01/02/24'), '2024-02-01');
});

test('typed conversion gives PostgreSQL text and throws Misfit for a value that does not fit', () => {
  const int = textConverter('integer', { thousands: ',' });
  assert.equal(int('1,234'), '1234');
  assert.equal(int(' 42 '), '42');
  assert.equal(int('*'), null);
  assert.equal(int(''), null);
  assert.throws(() => int('1.5'), Misfit);
  assert.throws(() => int('3000000000'), Misfit);
  assert.equal(textConverter('bigint')('3000000000'), '3000000000');
  assert.equal(textConverter('numeric')('£1,234.50'), '1234.50');
  assert.equal(textConverter('numeric')('45%'), '45');
  assert.equal(textConverter('boolean')('Yes'), 't');
  assert.equal(textConverter('date', { dateOrder: 'dmy' })('01/02/2024'), '2024-02-01');
  assert.equal(textConverter('date', { dateOrder: 'mdy' })('01/02/2024'), '2024-01-02');
  assert.equal(textConverter('date')('01JAN2021'), '2021-01-01');
  assert.equal(textConverter('date', { datePattern: 'YYYYMMDD' })('20191001'), '2019-10-01');
  assert.equal(textConverter('date')('Nov-25'), '2025-11-01', 'mmm-yy text is the first of the month');
  assert.throws(() => textConverter('date')('31/02/2024'), Misfit);
  assert.equal(textConverter('timestamp')('2024-01-31T10:20:30Z'), '2024-01-31 10:20:30');
  assert.equal(textConverter('timestamp')('2024-01-31T00:30:00+01:00'), '2024-01-30 23:30:00');
  assert.equal(textConverter('timestamp', { dateOrder: 'dmy' })('31/01/2024 3:05 PM'), '2024-01-31 15:05:00');
  assert.equal(textConverter('timestamp')('2024-01-31 12:30:00 AM'), '2024-01-31 00:30:00');
  assert.equal(textConverter('timestamp')('2021-05-25 04:55:03.382494 UTC'), '2021-05-25 04:55:03.382494');
  assert.equal(textConverter('text')('-'), '-');
  assert.equal(textConverter('text')(''), null);
  assert.equal(textConverter('text')('val\u00001'), 'val1', 'NUL cannot go into PostgreSQL text');
});

test('workbook cells: native values, mmm-yy means the first of the month, 1904 dates', () => {
  assert.equal(excelSerialToIso(45597), '2024-11-01');
  assert.equal(excelSerialToIso(0, true), '1904-01-01');
  assert.equal(excelSerialToIso(45597.5), '2024-11-01 12:00:00');
  assert.equal(excelSerialToIso(1), '1900-01-01');
  const monthCell: Cell = { kind: 'date', text: 'Nov-24', value: '2024-11-15', numFmt: 'mmm-yy' };
  assert.equal(convertCell(monthCell, 'date', textConverter('date')), '2024-11-01');
  const dayCell: Cell = { kind: 'date', text: '15/11/2024', value: '2024-11-15', numFmt: 'dd/mm/yyyy' };
  assert.equal(convertCell(dayCell, 'date', textConverter('date')), '2024-11-15');
  const serial: Cell = { kind: 'number', text: 'Nov-24', value: 45615, numFmt: 'mmm-yy' };
  assert.equal(convertCell(serial, 'date', textConverter('date')), '2024-11-01');
  assert.equal(
    convertCell({ ...serial, numFmt: 'dd/mm/yyyy' }, 'date', textConverter('date'), false, true),
    '2028-11-20',
  );
  const pct: Cell = { kind: 'number', text: '12.5%', value: 0.125, numFmt: '0.0%' };
  assert.equal(convertCell(pct, 'numeric', textConverter('numeric')), '0.125');
  const cells: (Cell | undefined)[][] = [
    [
      { kind: 'number', text: '45597', value: 45597, numFmt: 'mmm-yy' },
      { kind: 'number', text: '3', value: 3 },
    ],
    [
      { kind: 'number', text: '45628', value: 45628, numFmt: 'mmm-yy' },
      { kind: 'string', text: '[c]' },
    ],
  ];
  const [d, n] = inferColumns(cells, ['Month', 'Count']);
  assert.equal(d?.type, 'date');
  assert.equal(n?.type, 'integer');
  assert.equal(n?.suppressed, 1);
});
