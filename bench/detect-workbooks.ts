/**
 * Workbook and ZIP parts of `npm run bench:detect`:
 * - excel/: share of exported sheets whose tables `extract` to exactly Excel's own CSV export
 *   (cells at the spec's rows and columns; CR line breaks and `_` for characters Windows-1252
 *   cannot hold are the export's, so they are normalised), and per-file detect time p50/p95;
 * - nhs/: files whose tables (sheet, member, kind, header rows, data rows, column and row counts)
 *   equal the hand-written expectations in test/corpus/nhs-expectations.json;
 * - speed: detect and extract of a generated workbook against a plain SheetJS parse of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from '@e965/xlsx';
import iconv from 'iconv-lite';
import { detectFile, readTable, type FileSpec, type TableSpec } from '../src/engine/index.js';
import { isDatawarpError } from '../src/errors.js';
import { parseExcelCsv } from '../test/corpus/excel-export-csv.js';
import { formatCount } from '../src/format.js';

interface ExcelWorkbook {
  file: string;
  sheets: { index: number; name: string }[];
  expected_content: { kind: string; exports?: Record<string, { sheet_index: number; csv: string }[]> };
}

const asExported = (s: string) =>
  [...s.trim()]
    .map((ch) => (iconv.decode(iconv.encode(ch, 'win1252'), 'win1252') === ch ? ch : '_'))
    .join('');

async function tableMatches(file: string, spec: FileSpec, t: TableSpec, csv: string[][]): Promise<boolean> {
  const cols = t.columns.map((c) => c.sourceIndex);
  const at = (r: number) => cols.map((c) => (csv[r - 1]?.[c] ?? '').trim().replace(/\r\n?/g, '\n'));
  const want: string[][] = [];
  for (let r = t.dataRows[0]; r <= t.dataRows[1]; r++) {
    const cells = at(r);
    if (cells.some(Boolean)) want.push(cells);
  }
  const got: string[][] = [];
  for await (const row of readTable(file, spec, t.id, { values: 'display' }))
    got.push(row.map((v) => asExported(v ?? '')));
  // repeated header rows are skipped by the reader; compare the rows both keep
  const wanted = want.filter(
    (w) => !(t.headerRows && w.join('\u0000') === at(t.headerRows[1]).join('\u0000')),
  );
  return got.length === wanted.length && got.every((g, i) => g.every((c, j) => c === wanted[i]![j]));
}

export async function excelAccuracy(corpus: string): Promise<string> {
  const dir = path.join(corpus, 'excel');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    workbooks: ExcelWorkbook[];
  };
  let sheets = 0;
  let exact = 0;
  let refused = 0;
  const times: number[] = [];
  for (const wb of manifest.workbooks) {
    const file = path.join(dir, wb.file);
    const t0 = performance.now();
    let spec: FileSpec;
    try {
      spec = await detectFile(file);
    } catch (err) {
      if (!isDatawarpError(err)) throw err;
      refused++;
      continue;
    } finally {
      times.push(performance.now() - t0);
    }
    const exports = wb.expected_content.exports;
    if (!exports) continue;
    for (const { sheet_index, csv } of exports['2016'] ?? exports['2011'] ?? []) {
      const name = wb.sheets.find((s) => s.index === sheet_index)?.name;
      const rows = parseExcelCsv(fs.readFileSync(path.join(dir, csv)));
      const tables = spec.tables.filter((t) => t.sheet === name && t.kind === 'data');
      sheets++;
      let ok = true;
      for (const t of tables) ok = ok && (await tableMatches(file, spec, t, rows));
      if (ok) exact++;
    }
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(0);
  return (
    `excel/ ${manifest.workbooks.length} workbooks: ${exact}/${sheets} exported sheets extract exactly as Excel's CSV ` +
    `(strict; the test explains the rest), ${refused} refused with a specific error; detect p50 ${q(0.5)} ms, p95 ${q(0.95)} ms`
  );
}

interface NhsTable {
  sheet: string | null;
  member: string | null;
  kind: string;
  headerRows?: [number, number] | null;
  dataRows?: [number, number];
  columns?: number;
  rowCount?: number;
}

export async function nhsAccuracy(root: string, corpus: string): Promise<string> {
  const expectations = JSON.parse(
    fs.readFileSync(path.join(root, 'test', 'corpus', 'nhs-expectations.json'), 'utf8'),
  ).files as Record<string, { tables: NhsTable[] }>;
  let files = 0;
  let tablesOk = 0;
  let tables = 0;
  const misses: string[] = [];
  for (const [rel, want] of Object.entries(expectations)) {
    const spec = await detectFile(path.join(corpus, 'nhs', rel));
    let fileOk = spec.tables.length === want.tables.length;
    want.tables.forEach((w, i) => {
      tables++;
      const t = spec.tables[i];
      const same =
        !!t &&
        t.sheet === w.sheet &&
        t.member === w.member &&
        t.kind === w.kind &&
        (w.headerRows === undefined || JSON.stringify(t.headerRows) === JSON.stringify(w.headerRows)) &&
        (w.dataRows === undefined || JSON.stringify(t.dataRows) === JSON.stringify(w.dataRows)) &&
        (w.columns === undefined || t.columns.length === w.columns) &&
        (w.rowCount === undefined || t.rowCount === w.rowCount);
      if (same) tablesOk++;
      fileOk &&= same;
    });
    if (fileOk) files++;
    else misses.push(rel);
  }
  const n = Object.keys(expectations).length;
  return `nhs/ all ${n} files (CSV, xlsx, zip) vs hand-written expectations: ${files}/${n} files, ${tablesOk}/${tables} tables${misses.length ? ` (missed: ${misses.join(', ')})` : ''}`;
}

/** A workbook of `rows` rows: codes, names, dates, counts, rates. */
function workbook(file: string, rows: number): number {
  if (fs.existsSync(file)) return fs.statSync(file).size;
  const aoa: (string | number)[][] = [
    ['Practice Code', 'Practice Name', 'Period', 'Referrals', 'Rate', 'Seen'],
  ];
  for (let i = 0; i < rows; i++) {
    aoa.push([
      `P${String(i % 100_000).padStart(5, '0')}`,
      `Practice ${i}`,
      45000 + (i % 365),
      (i * 13) % 100_000,
      ((i * 7919) % 10_000) / 100,
      (i * 31) % 5000,
    ]);
  }
  const ws = XLSX.utils.aoa_to_sheet(aoa);
  for (let r = 2; r <= rows + 1; r++) ws[`C${r}`]!.z = 'dd/mm/yyyy';
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Data');
  fs.writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
  return fs.statSync(file).size;
}

export async function workbookSpeed(out: string, rows: number): Promise<string[]> {
  const file = path.join(out, `detect-${rows}rows.xlsx`);
  const bytes = workbook(file, rows);
  const mb = bytes / 1024 / 1024;
  const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
    const t = performance.now();
    const v = await fn();
    return [v, (performance.now() - t) / 1000];
  };
  XLSX.read(fs.readFileSync(file), { dense: true }); // warm up
  const [, base] = await time(() =>
    XLSX.read(fs.readFileSync(file), { dense: true, cellNF: true, cellText: true }),
  );
  const [, detect] = await time(() => detectFile(file));
  // the read after a detect reuses the parsed workbook (as `datawarp extract` does in one
  // process), so extract is timed as both together, on a fresh mtime so nothing is cached
  fs.utimesSync(file, new Date(), new Date());
  const [n, extract] = await time(async () => {
    const again = await detectFile(file);
    let k = 0;
    for await (const _ of readTable(file, again, again.tables[0]!.id, { values: 'typed' })) k++;
    return k;
  });
  const rate = (s: number) => `${(mb / s).toFixed(1).padStart(5)} MB/s`;
  return [
    `workbook speed on ${mb.toFixed(1)} MB xlsx, ${formatCount(n)} rows (${path.basename(file)})`,
    `  baseline SheetJS parse     ${rate(base)}  ${base.toFixed(2)} s`,
    `  detect (detectFile)        ${rate(detect)}  ${detect.toFixed(2)} s  ratio ${(detect / base).toFixed(2)}`,
    `  extract typed (+ detect)   ${rate(extract)}  ${extract.toFixed(2)} s  ratio ${(extract / base).toFixed(2)}`,
  ];
}
