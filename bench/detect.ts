/**
 * `npm run bench:detect`: detection accuracy per corpus folder, and the speed of sniffing and
 * extracting against a plain parse of the same file in the same run.
 *
 * Accuracy:
 * - csv/: share of files where detect agrees with DuckDB's own sniff (expectations.json) on
 *   delimiter, header, column count and column types;
 * - nhs/ CSVs: header row, data rows, column count and row count against the facts measured by
 *   hand in the corpus README.
 * Speed, on a generated CSV (BENCH_MB, default 100) with quoted fields, dates, decimals, codes:
 * - baseline: read + decode + split into lines and fields (no quote handling: a lower bound);
 * - sniff: detectFile (bounded sample + one hashing pass);
 * - extract display and typed: every row of the table through readTableBatches.
 * Prints MB/s, the ratio to the baseline, and the peak RSS (flat as BENCH_MB grows).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectFile, readTableBatches, refineTable, type FileSpec } from '../src/engine/index.js';
import { isDatawarpError } from '../src/errors.js';
import { excelAccuracy, nhsAccuracy as nhsAllAccuracy, workbookSpeed } from './detect-workbooks.js';
import {
  DUCKDB_FAMILY as FAMILY,
  PG_FAMILY,
  type DuckdbSniff as Sniff,
} from '../test/corpus/duckdb-families.js';
import { formatCount } from '../src/format.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const OUT = path.join(ROOT, 'bench', 'out');
const MB = Number(process.env.BENCH_MB ?? 100);

async function csvAccuracy(): Promise<string> {
  const dir = path.join(CORPUS, 'csv');
  const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expectations.json'), 'utf8')) as {
    files: Record<string, { observed_duckdb_sniff?: Sniff }>;
  };
  const hits = { delimiter: 0, header: 0, columns: 0, types: 0, all: 0 };
  let n = 0;
  for (const [file, e] of Object.entries(exp.files)) {
    const o = e.observed_duckdb_sniff;
    if (!o?.ok) continue;
    n++;
    let spec: FileSpec;
    try {
      spec = await detectFile(path.join(dir, file));
    } catch (err) {
      if (isDatawarpError(err)) continue;
      throw err;
    }
    const t = spec.tables[0];
    if (!t) continue;
    const d = spec.dialect?.delimiter === o.delimiter;
    const h = (t.headerRows !== null) === o.has_header;
    const c = t.columns.length === o.columns.length;
    const ty =
      c &&
      t.columns.every((col, i) => PG_FAMILY[col.type] === FAMILY[o.columns[i]!.type.replace(/\(.*/, '')]);
    hits.delimiter += d ? 1 : 0;
    hits.header += h ? 1 : 0;
    hits.columns += c ? 1 : 0;
    hits.types += ty ? 1 : 0;
    hits.all += d && h && c && ty ? 1 : 0;
  }
  const pct = (k: number) => `${((100 * k) / n).toFixed(1)}%`;
  return `csv/  ${n} files vs DuckDB sniff: all ${pct(hits.all)}, delimiter ${pct(hits.delimiter)}, header ${pct(hits.header)}, columns ${pct(hits.columns)}, types ${pct(hits.types)}`;
}

/** Facts from corpus/README.md, measured on these bytes. */
const NHS_CSV: { file: string; header: [number, number]; rows: number; columns: number }[] = [
  { file: 'gp_registered_patients/gp-reg-pat-prac-all.csv', header: [1, 1], rows: 6658, columns: 10 },
  { file: 'qof_2020_21/MAPPING_NHS_GEOGRAPHIES_2021.csv', header: [1, 1], rows: 6571, columns: 16 },
  { file: 'qof_2020_21/MAPPING_INDICATORS_2021_v2.csv', header: [1, 1], rows: 68, columns: 7 },
];

async function nhsAccuracy(): Promise<string> {
  let ok = 0;
  const misses: string[] = [];
  for (const f of NHS_CSV) {
    const full = path.join(CORPUS, 'nhs', f.file);
    const spec = await detectFile(full);
    const t = await refineTable(full, spec, spec.tables[0]!.id);
    const good =
      spec.tables.length === 1 &&
      t.headerRows?.[0] === f.header[0] &&
      t.headerRows?.[1] === f.header[1] &&
      t.columns.length === f.columns &&
      t.rowCount === f.rows &&
      t.dataRows[0] === f.header[1] + 1;
    if (good) ok++;
    else misses.push(f.file);
  }
  return `nhs/ ${NHS_CSV.length} CSVs (tables, header, data rows, columns, rows): ${ok}/${NHS_CSV.length}${misses.length ? ` (missed: ${misses.join(', ')})` : ''}`;
}

function line(i: number): string {
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((i % 12) + 1).padStart(2, '0');
  const note = i % 4 === 0 ? `"note, with comma ${i}"` : `ok ${i % 97}`;
  return `Practice ${i},P${String(i % 100_000).padStart(5, '0')},${day}/${month}/2024,${(i * 13) % 100_000},${((i * 7919) % 100_000) / 100},${i % 7 === 0 ? '*' : (i * 31) % 5000},${note}\n`;
}

function generate(file: string, mb: number): number {
  const target = mb * 1024 * 1024;
  if (fs.existsSync(file) && Math.abs(fs.statSync(file).size - target) < 1024 * 1024)
    return fs.statSync(file).size;
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'Practice Name,Practice Code,Period,Referrals,Mean Wait,Seen,Notes\n');
  let size = 0;
  let chunk = '';
  for (let i = 0; size < target; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      size += fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  if (chunk) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, (performance.now() - t) / 1000];
}

async function baseline(file: string): Promise<number> {
  let fields = 0;
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) fields += l.split(',').length;
  }
  return fields;
}

async function extract(file: string, spec: FileSpec, values: 'display' | 'typed'): Promise<number> {
  let rows = 0;
  for await (const batch of readTableBatches(file, spec, spec.tables[0]!.id, { values }))
    rows += batch.length;
  return rows;
}

async function main(): Promise<void> {
  if (fs.existsSync(CORPUS)) {
    console.log('accuracy');
    console.log(`  ${await csvAccuracy()}`);
    console.log(`  ${await nhsAccuracy()}`);
    console.log(`  ${await nhsAllAccuracy(ROOT, CORPUS)}`);
    console.log(`  ${await excelAccuracy(CORPUS)}`);
  } else console.log(`accuracy: corpus not found at ${CORPUS} (skipped)`);

  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `detect-${MB}mb.csv`);
  const bytes = generate(file, MB);
  const mb = bytes / 1024 / 1024;
  await baseline(file); // warm the page cache and the JIT
  const [, base] = await time(() => baseline(file));
  const [spec, sniff] = await time(() => detectFile(file));
  const [rowsDisplay, display] = await time(() => extract(file, spec, 'display'));
  const [rowsTyped, typed] = await time(() => extract(file, spec, 'typed'));
  const rate = (s: number) => `${(mb / s).toFixed(0).padStart(5)} MB/s`;
  console.log(
    `\nspeed on ${mb.toFixed(0)} MB, ${formatCount(rowsDisplay)} rows (${path.relative(ROOT, file)})`,
  );
  console.log(`  baseline split (no quotes) ${rate(base)}  ${base.toFixed(2)} s`);
  console.log(
    `  sniff (detectFile)         ${rate(sniff)}  ${sniff.toFixed(2)} s  ratio ${(sniff / base).toFixed(2)}`,
  );
  console.log(
    `  extract display            ${rate(display)}  ${display.toFixed(2)} s  ratio ${(display / base).toFixed(2)}`,
  );
  console.log(
    `  extract typed              ${rate(typed)}  ${typed.toFixed(2)} s  ratio ${(typed / base).toFixed(2)}`,
  );
  if (rowsTyped !== rowsDisplay) throw new Error(`typed read ${rowsTyped} rows, display ${rowsDisplay}`);
  console.log(`  types: ${spec.tables[0]!.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`);
  // streaming keeps memory flat: peak RSS should not grow with BENCH_MB (try BENCH_MB=2000)
  console.log('');
  for (const l of await workbookSpeed(OUT, Number(process.env.BENCH_XLSX_ROWS ?? 50_000))) console.log(l);
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`  peak RSS ${peak.toFixed(0)} MB for a ${mb.toFixed(0)} MB file`);
}

await main();
