/**
 * Detection for delimited text: encoding and dialect from a bounded head sample, the table(s)
 * from a grid of the first rows, footers from a tail sample, and column types from the head's
 * data rows. Time and memory do not grow with the file, except one sequential pass for the
 * SHA-256 and line count.
 */
import { basename } from 'node:path';
import { DatawarpError } from '../errors.js';
import type { DetectOptions } from './api.js';
import type { Cell, Grid, TableRegion } from './grid.js';
import { ColumnStats, decideColumn } from './infer/index.js';
import { columnNames, positionalNames } from './naming.js';
import { detectPeriod } from './period.js';
import { parseText, type RecordBatch } from './read/csv.js';
import { digestFile, readSample } from './read/file-sample.js';
import { findRegions } from './text-regions.js';
import { decodeSample, detectEncoding } from './sniff/encoding.js';
import { detectDialect } from './sniff/dialect.js';
import type { ColumnSpec, Dialect, FileSpec, TableSpec } from './table-spec.js';
import { tableNameFrom } from './table-name.js';

/** Rows of the head sample given to structure detection. */
const GRID_ROWS = 2000;

function isBlank(fields: readonly string[]): boolean {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
}

function toGrid(batch: RecordBatch, rows: number): Grid {
  const n = Math.min(rows, batch.fields.length);
  const gridRows: (Cell | undefined)[][] = [];
  for (let i = 0; i < n; i++) {
    gridRows.push(
      batch.fields[i]!.map((text) => (text.trim() === '' ? undefined : { kind: 'string', text })),
    );
  }
  return { rows: gridRows, rowNumbers: batch.lines.slice(0, n) };
}

/** Decode the tail sample and parse it, numbering its lines from the end of the file. */
function parseTail(
  tail: Buffer,
  encoding: string,
  dialect: Dialect,
  totalLines: number,
  file: string,
): RecordBatch {
  let bytes = tail;
  if (encoding.startsWith('utf-16') && bytes.length % 2 === 1) bytes = bytes.subarray(1);
  const text =
    encoding === 'utf-8' ? new TextDecoder('utf-8').decode(bytes) : decodeSample(bytes, encoding, true, file);
  const lineChar = dialect.lineTerminator === '\r' ? '\r' : '\n';
  const cut = text.indexOf(lineChar);
  const rest = cut < 0 ? '' : text.slice(cut + 1);
  let lines = 0;
  for (let i = rest.indexOf(lineChar); i >= 0; i = rest.indexOf(lineChar, i + 1)) lines++;
  if (rest.length > 0 && !rest.endsWith(lineChar)) lines++;
  return parseText(rest, dialect, true, totalLines - lines + 1);
}

/** Footer and trailing blank records at the end of a batch: index of the last data record. */
function lastDataRecord(batch: RecordBatch, width: number): number {
  for (let i = batch.fields.length - 1; i >= 0; i--) {
    const f = batch.fields[i]!;
    const filled = f.filter((x) => x.trim() !== '').length;
    if (filled === 0) continue;
    // a one-cell line (`Source: ...`) is a footer when the table is wider, or the line is short
    if (filled <= 1 && (width >= 3 || f.length < width)) continue;
    if (width >= 3 && f.length < width / 2) continue;
    return i;
  }
  return -1;
}

function buildTable(
  region: TableRegion,
  index: number,
  head: RecordBatch,
  grid: Grid,
  context: {
    file: string;
    displayName: string;
    options: DetectOptions;
    tailEnd: { line: number; width: number; records: RecordBatch } | null;
    extraWarnings: string[];
    consistency: number;
    /** physical lines in the file (for the end of its last record) */
    totalLines: number;
    /** the head sample is the whole file */
    sampledWhole: boolean;
  },
): TableSpec {
  const { options } = context;
  const lineOf = (r: number): number => grid.rowNumbers?.[r] ?? head.lines[r] ?? r + 1;
  // the last physical line of record r: a quoted value may carry it over several lines
  const endLineOf = (r: number): number => {
    const next = head.lines[r + 1];
    if (next !== undefined) return Math.max(lineOf(r), next - 1);
    // the head's last record ends the file only when the head is the whole file
    return context.sampledWhole ? Math.max(lineOf(r), context.totalLines) : lineOf(r);
  };
  let headerRows = region.headerRows;
  let firstData = region.dataRows[0];
  if (options.headerless && headerRows) {
    firstData = headerRows[0];
    headerRows = null;
  }
  const gridLast = grid.rows.length - 1;
  // data that runs to the end of the grid continues through the rest of the head sample
  let lastRecord = region.dataRows[1];
  const reachesEnd = region.dataRows[1] >= gridLast - 1;
  if (reachesEnd && head.fields.length > grid.rows.length) {
    const last = lastDataRecord(head, region.columns.length);
    if (last > lastRecord) lastRecord = last;
  }
  const skip = new Set(region.skipRows);
  const headerTexts = headerRows
    ? region.headers
    : region.columns.map((_, j) => options.columnNames?.[j] ?? '');
  const stats = region.columns.map(() => new ColumnStats());
  const headerRecord = headerRows && headerRows[0] === headerRows[1] ? head.fields[headerRows[0]] : undefined;
  let dataRecords = 0;
  let ragged = 0;
  let lastSeen = firstData;
  const repeats: number[] = [];
  for (let r = firstData; r <= lastRecord; r++) {
    const f = head.fields[r]!;
    const repeat =
      headerRecord !== undefined && region.columns.every((c) => (f[c] ?? '') === (headerRecord[c] ?? ''));
    if (repeat) repeats.push(lineOf(r));
    if (skip.has(r) || repeat || isBlank(f)) continue;
    dataRecords++;
    lastSeen = r;
    if (f.length !== head.fields[firstData]!.length) ragged++;
    for (let j = 0; j < stats.length; j++) stats[j]!.observeText(f[region.columns[j]!] ?? '');
  }
  if (reachesEnd && context.tailEnd) {
    // the tail is sampled for types too, as DuckDB samples later chunks: a late `n/a` or a
    // wider number is seen before the load, not as a misfit during it
    const tail = context.tailEnd.records;
    for (let i = 0; i < tail.fields.length && tail.lines[i]! <= context.tailEnd.line; i++) {
      const f = tail.fields[i]!;
      if (i === 0 || isBlank(f)) continue; // the first tail record may start mid-record
      if (headerRecord && region.columns.every((c) => (f[c] ?? '') === (headerRecord[c] ?? ''))) continue;
      for (let j = 0; j < stats.length; j++) stats[j]!.observeText(f[region.columns[j]!] ?? '');
    }
  }
  const guesses = stats.map((s, j) => decideColumn(s, headerTexts[j] || `column ${j + 1}`));
  // A column with no header and no value anywhere in the table is a spacer (`Region,,Count`, or
  // a trailing delimiter): left out, but only when every row was seen, so no value can be lost.
  const complete = !(reachesEnd && context.tailEnd);
  const keep = region.columns.map(
    (_, j) =>
      !complete ||
      headerRows === null ||
      headerTexts[j] !== '' ||
      stats[j]!.values + stats[j]!.markers + stats[j]!.nullTokens > 0,
  );
  const kept = region.columns.map((_, j) => j).filter((j) => keep[j]);
  const names =
    headerRows === null && !options.columnNames
      ? positionalNames(region.columns.length)
      : columnNames(kept.map((j) => headerTexts[j]!));
  const columns: ColumnSpec[] = kept.map((j, k) => {
    const sourceIndex = region.columns[j]!;
    const g = guesses[j]!;
    return {
      name: names[k]!,
      header: headerTexts[j] || names[k]!,
      type: g.type,
      nullable: g.nullable,
      suppressed: g.suppressed,
      sourceIndex,
      ...(g.format ? { format: g.format } : {}),
      examples: g.examples,
    };
  });
  const warnings = [...region.warnings, ...context.extraWarnings, ...guesses.flatMap((g) => g.warnings)];
  if (ragged > 0) warnings.push(`${ragged} row(s) in the sample have a different number of fields`);
  if (repeats.length > 0) {
    const where = repeats.length <= 3 ? ` (line ${repeats.join(', ')})` : '';
    warnings.push(`${repeats.length} repeated header row(s) inside the data skipped${where}`);
  }
  let lastLine = dataRecords === 0 ? lineOf(firstData) - 1 : endLineOf(lastSeen);
  let rowCount = dataRecords;
  if (reachesEnd && context.tailEnd) {
    // the table runs past the head sample: its end comes from the tail, its size is estimated
    const firstLine = lineOf(firstData);
    const sampleSpan = Math.max(1, lineOf(lastSeen) - firstLine + 1);
    lastLine = Math.max(lastLine, context.tailEnd.line);
    rowCount = Math.round((dataRecords / sampleSpan) * (lastLine - firstLine + 1));
    warnings.push('row count estimated from a sample; a load counts every row');
  }
  const baseName = tableNameFrom(context.displayName);
  return {
    id: `t${index + 1}`,
    sheet: null,
    member: null,
    name: index === 0 ? baseName : `${baseName}_${index + 1}`,
    kind: region.kind,
    headerRows: headerRows ? [lineOf(headerRows[0]), endLineOf(headerRows[1])] : null,
    dataRows: [lineOf(firstData), lastLine],
    columns,
    rowCount,
    confidence: Math.round(Math.min(region.confidence, 0.5 + context.consistency / 2) * 100) / 100,
    warnings,
  };
}

/** Detect the table(s) of a delimited text file. */
export async function detectText(path: string, options: DetectOptions = {}): Promise<FileSpec> {
  const sample = await readSample(path);
  const guess = detectEncoding(sample.head, path, sample.whole);
  const text = decodeSample(sample.head, guess.encoding, sample.whole, path);
  if (!sample.whole && !/[\r\n]/.test(text)) {
    throw new DatawarpError('LINE_TOO_LONG', `no line break in the first ${sample.head.length >> 20} MB`, {
      file: path,
      location: { line: 1 },
      hint: 'this is not line-oriented text (a table has one record per line); check the file',
    });
  }
  if (text.trim() === '') {
    throw new DatawarpError('FILE_EMPTY', 'the file holds no data (only blank lines)', {
      file: path,
      hint: 'nothing to load: check the download or export',
    });
  }
  // Excel's `sep=;` first line names the delimiter outright
  const sepLine = /^sep=(.)\s*(\r\n|\n|\r)/i.exec(text);
  const { dialect, width, consistency } = detectDialect(
    text,
    sample.whole,
    sepLine ? { delimiter: sepLine[1]! } : {},
  );
  const head = parseText(text, dialect, sample.whole);
  if (head.fields.length === 0) {
    throw new DatawarpError('NO_TABLE', 'no complete record in the sample', {
      file: path,
      hint: 'check the file is delimited text',
    });
  }
  const digest = await digestFile(path, dialect.lineTerminator === '\r' ? 13 : 10, sample.gzip, {
    hash: options.hash !== false,
  });
  const totalLines = digest.breaks + (digest.endsWithBreak ? 0 : 1);
  let tailEnd: { line: number; width: number; records: RecordBatch } | null = null;
  const tailBytes = sample.gzip ? digest.tail : sample.tail;
  if (!sample.whole && tailBytes) {
    const tail = parseTail(tailBytes, guess.encoding, dialect, totalLines, path);
    const last = lastDataRecord(tail, width);
    tailEnd = { line: last >= 0 ? tail.lines[last]! : totalLines, width, records: tail };
  }
  const grid = toGrid(head, GRID_ROWS);
  const regions = findRegions(grid);
  if (regions.length === 0) {
    throw new DatawarpError('NO_TABLE', 'no table found in the file', {
      file: path,
      hint: 'check the file holds rows of delimited values',
    });
  }
  const displayName = options.displayName ?? basename(path);
  const extraWarnings: string[] = [];
  if (guess.encoding !== 'utf-8' && guess.bomLength === 0) {
    extraWarnings.push(`text is not UTF-8; decoded as ${guess.encoding} (detected)`);
  }
  const tables = regions.map((region, i) =>
    buildTable(region, i, head, grid, {
      file: path,
      displayName,
      options,
      tailEnd,
      extraWarnings,
      consistency,
      totalLines,
      sampledWhole: sample.whole,
    }),
  );
  return {
    file: path,
    format: 'csv',
    bytes: sample.bytes,
    sha256: digest.sha256,
    encoding: guess.encoding,
    dialect,
    period: detectPeriod(displayName, regions[0]?.title, options.url),
    tables,
  };
}
