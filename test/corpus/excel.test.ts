/**
 * The Excel corpus (../shared/corpus/excel, manifest.json): every workbook detects or fails with
 * a specific error; for the 15 workbooks with Microsoft Excel's own CSV export, what `extract`
 * writes for each table (header line, then data rows as displayed) equals the export's cells at
 * the rows and columns the spec names, cell for cell; every export row with two or more values
 * lies inside some table; the 1904 workbooks read their dates as Excel renders them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { detectFile, readTable, type FileSpec, type TableSpec } from '../../src/engine/index.js';
import { readWorkbook } from '../../src/engine/read/workbook.js';
import { DatawarpError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';
import { parseExcelCsv } from './excel-export-csv.js';

const EXCEL = path.resolve(ROOT, '..', 'shared', 'corpus', 'excel');
const corpusMissing = !fs.existsSync(path.join(EXCEL, 'manifest.json'));
const skip = corpusMissing && `corpus not found at ${EXCEL}`;

interface Workbook {
  readonly file: string;
  readonly sheets: readonly {
    readonly index: number;
    readonly name: string;
    readonly first_nonempty_row: number | null;
    readonly last_nonempty_row: number | null;
  }[];
  readonly expected_content: {
    readonly kind: string;
    readonly exports?: Record<string, readonly { sheet_index: number; csv: string }[]>;
  };
}

const manifest: { workbooks: Workbook[] } = corpusMissing
  ? { workbooks: [] }
  : JSON.parse(fs.readFileSync(path.join(EXCEL, 'manifest.json'), 'utf8'));

async function extract(file: string, spec: FileSpec, table: TableSpec): Promise<string[][]> {
  const out: string[][] = [];
  if (table.headerRows) out.push(table.columns.map((c) => c.header));
  for await (const row of readTable(file, spec, table.id, { values: 'display' }))
    out.push(row.map((v) => v ?? ''));
  return out;
}

/** The export's lines for a table: its header row, then data rows minus blank and repeated-header rows. */
function expected(csv: string[][], table: TableSpec): string[][] {
  const cols = table.columns.map((c) => c.sourceIndex);
  const pick = (r: number) => cols.map((c) => (csv[r - 1]?.[c] ?? '').trim());
  const out: string[][] = [];
  const header = table.headerRows ? pick(table.headerRows[1]) : null;
  if (table.headerRows) out.push(pick(table.headerRows[0]));
  const filled = header?.filter(Boolean).length ?? 0;
  for (let r = table.dataRows[0]; r <= table.dataRows[1]; r++) {
    const cells = pick(r);
    if (cells.every((c) => c === '')) continue;
    if (
      header &&
      filled >= 2 &&
      cells.filter((c, j) => header[j] && c === header[j]).length >= Math.ceil(filled * 0.8)
    )
      continue;
    out.push(cells);
  }
  return out;
}

const withExports = manifest.workbooks.filter((w) => w.expected_content.kind === 'excel_csv_export');

/**
 * Differences that are the export's, not the reader's (each checked by hand):
 * - Excel for Mac writes an in-cell line break as a bare CR;
 * - the Windows-1252 export writes `_` for characters it cannot encode (Hebrew, Japanese);
 * - a blank header cell above data is named `column_N` by extract (names are never empty);
 * - NOW(), TODAY(), RAND() and RANDBETWEEN() were recalculated when Excel exported.
 */
const EXPLAINED_LOST_ROWS: Record<string, { rows: number[]; why: string }> = {
  'sheetjs/formula_stress_test.xlsx#Database': {
    rows: [32],
    why: 'the caption row of a pivot table (`Sum of Qux | Column Labels`) above its header row: preamble',
  },
  'sheetjs/issue.xlsx#test': {
    rows: [40, 41, 42, 43, 44],
    why: 'a form footer under the item table (Cust. Doc. No., Prep. 05.03.2013, Project): key/value fields, not data rows',
  },
};
const VOLATILE = /^(NOW|TODAY|RAND|RANDBETWEEN)$/;
/**
 * Where SheetJS renders a locale-dependent or odd format differently from the Excel that
 * exported (checked by hand in number_format.xlsm): `[$-F800]` system long date (`January 01`
 * vs `January 1`), `[$-F400]` system time (12-hour vs the exporter's 24-hour), a format with a
 * literal minus (`--1`), engineering notation `##0.0E+0` rounding (`123.4E+0` vs `123.5E+0`).
 */
const RENDERING_FILES = new Set(['sheetjs/number_format.xlsm']);
function renderingDifference(got: string, want: string): boolean {
  if (got.replace(/ 0(\d),/, ' $1,') === want) return true;
  const t = got.match(/^(\d{1,2}):(\d\d):(\d\d) (AM|PM)$/);
  if (t) {
    const h = (Number(t[1]) % 12) + (t[4] === 'PM' ? 12 : 0);
    if (`${String(h).padStart(2, '0')}:${t[2]}:${t[3]}` === want) return true;
  }
  if (want === `-${got}`) return true;
  const e = /^-?[\d.]+E[+-]\d+$/;
  return e.test(got) && e.test(want) && Math.abs(Number(got) - Number(want)) <= Math.abs(Number(want)) * 1e-3;
}
/** Columns Excel filled in at export time: a VBA macro writes them when the xlsm opens (cached empty). */
const EXPORT_TIME_COLUMNS: Record<string, readonly string[]> = { 'sheetjs/number_format.xlsm': ['VBA Fmt'] };

function sameCell(got: string, want: string, header: boolean, rendering: boolean): boolean {
  const g = got.trim();
  const w = want.trim().replace(/\r\n?/g, '\n');
  if (g === w) return true;
  if (rendering && renderingDifference(g, w)) return true;
  if (header && w === '' && /^column_\d+$/.test(g)) return true;
  // `####`: Excel cannot show the value in this format (a negative date); the cell holds no date
  if (/^#+$/.test(w) && g === '') return true;
  const encodable = [...g]
    .map((ch) => (iconv.decode(iconv.encode(ch, 'win1252'), 'win1252') === ch ? ch : '_'))
    .join('');
  return encodable === w;
}

function assertSameRows(
  got: string[][],
  want: string[][],
  what: string,
  ignore: readonly string[] = [],
  rendering = false,
): void {
  const diffs: string[] = [];
  const skipCols = new Set(got[0]?.flatMap((h, j) => (ignore.includes(h) ? [j] : [])) ?? []);
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = want[i];
    if (!g || !w) {
      diffs.push(`line ${i + 1}: ${g ? 'extra' : 'missing'} ${JSON.stringify(g ?? w)}`);
      continue;
    }
    if (VOLATILE.test(g[0] ?? '')) continue;
    g.forEach((cell, j) => {
      if (skipCols.has(j)) return;
      // a merged header cell is spread over the columns it covers (Excel writes it once)
      if (i === 0 && (w[j] ?? '') === '' && j > 0 && cell === g[j - 1]) return;
      if (!sameCell(cell, w[j] ?? '', i === 0, rendering))
        diffs.push(`line ${i + 1} col ${j + 1}: ${JSON.stringify(cell)} != ${JSON.stringify(w[j])}`);
    });
  }
  assert.deepEqual(diffs.slice(0, 40), [], what);
}

for (const wb of withExports) {
  test(`excel/${wb.file} matches Excel's CSV export`, { skip }, async () => {
    const file = path.join(EXCEL, wb.file);
    const exports = wb.expected_content.exports ?? {};
    const chosen = exports['2016'] ?? exports['2011'] ?? [];
    let spec: FileSpec;
    try {
      spec = await detectFile(file);
    } catch (err) {
      // the one encrypted workbook: refused with a specific error, not read as garbage
      assert.ok(err instanceof DatawarpError, String(err));
      assert.equal(err.code, 'FILE_ENCRYPTED', err.message);
      assert.match(wb.file, /password/);
      return;
    }
    for (const { sheet_index, csv } of chosen) {
      const sheet = wb.sheets.find((s) => s.index === sheet_index)!;
      const rows = parseExcelCsv(fs.readFileSync(path.join(EXCEL, csv)));
      const tables = spec.tables.filter((t) => t.sheet === sheet.name);
      const nonEmpty = rows.filter((r) => r.some((c) => c.trim() !== '')).length;
      if (nonEmpty === 0) {
        assert.equal(
          tables.filter((t) => t.kind === 'data').length,
          0,
          `${sheet.name}: empty sheet, no table`,
        );
        continue;
      }
      assert.ok(tables.length > 0, `${sheet.name}: a sheet with content has a table`);
      for (const t of tables.filter((x) => x.kind === 'data')) {
        const got = await extract(file, spec, t);
        const want = expected(rows, t);
        if (t.headerRows && t.headerRows[0] !== t.headerRows[1]) {
          // a flattened multi-row header is compared by its parts
          got.shift();
          want.shift();
        }
        assertSameRows(
          got,
          want,
          `${sheet.name} ${t.id}: extract output equals Excel's export cell for cell`,
          EXPORT_TIME_COLUMNS[wb.file],
          RENDERING_FILES.has(wb.file),
        );
      }
      // no row of two or more values is left outside every table (no real table dropped)
      const covered = (r: number) =>
        tables.some((t) => r >= (t.headerRows?.[0] ?? t.dataRows[0]) && r <= t.dataRows[1]);
      const lost = rows
        .map((r, i) => ({ n: i + 1, filled: r.filter((c) => c.trim() !== '').length }))
        .filter((x) => x.filled >= 2 && !covered(x.n))
        .map((x) => x.n);
      assert.deepEqual(
        lost,
        EXPLAINED_LOST_ROWS[`${wb.file}#${sheet.name}`]?.rows ?? [],
        `${sheet.name}: rows with data outside every table`,
      );
    }
  });
}

test('excel/sheetjs/1904: dates read as Excel renders them in both date systems', { skip }, async () => {
  for (const name of ['1900.xlsx', '1904.xlsx', '1904.xls']) {
    const bytes = fs.readFileSync(path.join(EXCEL, 'sheetjs', '1904', name));
    const wb = await readWorkbook(bytes, name);
    assert.equal(wb.date1904, name.startsWith('1904'), name);
    let checked = 0;
    for (const row of wb.sheets[0]!.grid.rows) {
      const [, b, c] = row;
      if (!b || !c || b.kind !== 'date') continue;
      assert.equal(String(b.value).slice(0, 10), c.text, `${name}: ${b.text}`);
      assert.equal(b.text, c.text);
      checked++;
    }
    assert.ok(checked >= 5, `${name}: ${checked} dates checked`);
  }
});

test('every corpus workbook detects or fails with a specific error', { skip }, async () => {
  for (const wb of manifest.workbooks) {
    const file = path.join(EXCEL, wb.file);
    try {
      const spec = await detectFile(file);
      for (const sheet of wb.sheets) {
        if (sheet.first_nonempty_row == null) continue; // unknown or empty
        const tables = spec.tables.filter((t) => t.sheet === sheet.name);
        assert.ok(tables.length > 0, `${wb.file} / ${sheet.name}: a sheet with content has a table or notes`);
        for (const t of tables) {
          // every range the spec names lies inside the sheet's real used rows
          const first = t.headerRows?.[0] ?? t.dataRows[0];
          assert.ok(
            first >= sheet.first_nonempty_row,
            `${wb.file} / ${sheet.name} ${t.id} starts at ${first}`,
          );
          const last = Math.max(t.dataRows[1], t.headerRows?.[1] ?? 0);
          assert.ok(last <= sheet.last_nonempty_row!, `${wb.file} / ${sheet.name} ${t.id} ends at ${last}`);
        }
      }
    } catch (err) {
      assert.ok(err instanceof DatawarpError, `${wb.file}: ${String(err)}`);
      assert.equal(err.code, 'FILE_ENCRYPTED', `${wb.file}: ${err.message}`);
    }
  }
});
