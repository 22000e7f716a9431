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
