/**
 * The engine's public surface (DESIGN.md: sniff + infer). Other layers import only from here.
 * Each function dispatches on the file's format; a format is one entry in `READERS`.
 */
import { DatawarpError } from '../errors.js';
import type { DetectFile, DetectOptions, ReadOptions, ReadTable, RefineTable, Row } from './api.js';
import { detectText } from './detect-text.js';
import { readText, readTextBatches, refineText } from './read-text.js';
import { sniffFormat } from './sniff/format.js';
import type { FileFormat, FileSpec, TableSpec } from './table-spec.js';

export * from './api.js';
export * from './table-spec.js';
export type { Cell, Grid, TableRegion } from './grid.js';
export {
  columnNames,
  columnName,
  positionalNames,
  snakeCase,
  LINEAGE_COLUMNS,
  MAX_IDENTIFIER_BYTES,
} from './naming.js';
export { detectPeriod } from './period.js';
export { tableNameFrom } from './table-name.js';
export { columnConverter, textConverter, convertCell, inferColumns, Misfit } from './infer/index.js';

/** What each format implements. */
export interface FormatReader {
  detect(path: string, options: DetectOptions): Promise<FileSpec>;
  read(path: string, spec: FileSpec, tableId: string, options: ReadOptions): AsyncIterable<Row>;
  refine(path: string, spec: FileSpec, tableId: string): Promise<TableSpec>;
}

/**
 * A reader whose module is imported the first time a file of its format is read: the workbook
 * and ZIP readers bring SheetJS and yauzl, which a CSV load should not pay for at start-up.
 */
function lazyReader(load: () => Promise<FormatReader>): FormatReader {
  let reader: Promise<FormatReader> | undefined;
  const loaded = () => (reader ??= load());
  return {
    detect: async (...args) => (await loaded()).detect(...args),
    async *read(...args) {
      yield* (await loaded()).read(...args);
    },
    refine: async (...args) => (await loaded()).refine(...args),
  };
}

const workbookReader = lazyReader(async () => {
  const { detectWorkbook, readWorkbookTable, refineWorkbookTable } = await import('./detect-workbook.js');
  return { detect: detectWorkbook, read: readWorkbookTable, refine: refineWorkbookTable };
});

/** One reader per format; a format without one is refused with FILE_UNSUPPORTED. */
export const READERS: Partial<Record<FileFormat, FormatReader>> = {
  csv: { detect: detectText, read: readText, refine: refineText },
  xlsx: workbookReader,
  xls: workbookReader,
  ods: workbookReader,
  zip: lazyReader(async () => (await import('./detect-zip.js')).zipReader(readerFor)),
};

function readerFor(format: FileFormat, path: string): FormatReader {
  const reader = READERS[format];
  if (!reader) {
    throw new DatawarpError('FILE_UNSUPPORTED', `${format} files are not supported yet`, {
      file: path,
      hint: `datawarp reads ${Object.keys(READERS).join(', ')} files`,
    });
  }
  return reader;
}

export const detectFile: DetectFile = async (path, options = {}) => {
  const format = await sniffFormat(path, options.displayName ?? path);
  return readerFor(format, path).detect(path, options);
};

export const readTable: ReadTable = (path, spec, tableId, options) =>
  readerFor(spec.format, path).read(path, spec, tableId, options);

export const refineTable: RefineTable = (path, spec, tableId) =>
  readerFor(spec.format, path).refine(path, spec, tableId);

/**
 * The rows of `readTable` in batches (an array per chunk read): the fast path for bulk loads.
 */
export function readTableBatches(
  path: string,
  spec: FileSpec,
  tableId: string,
  options: ReadOptions,
): AsyncIterable<Row[]> {
  if (spec.format === 'csv') return readTextBatches(path, spec, tableId, options);
  return batchesOf(readTable(path, spec, tableId, options));
}

async function* batchesOf(rows: AsyncIterable<Row>, size = 4096): AsyncGenerator<Row[]> {
  let batch: Row[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
