/**
 * Workbooks (xlsx/xlsm, xls, ods) to one Grid per sheet: each cell's kind, the text a person
 * sees (SheetJS renders the cell's number format, honouring the 1904 date system), its native
 * value, its number format, plus the sheet's merges and visibility.
 *
 * Library: SheetJS CE through `@e965/xlsx`, an npm mirror of the official 0.20.x builds. The npm
 * `xlsx` package stopped at 0.18.5, which has known advisories (prototype pollution
 * CVE-2023-30533, ReDoS CVE-2024-22363) fixed in 0.19.3/0.20.2; the official builds are only on
 * cdn.sheetjs.com, which we cannot reach.
 *
 * Workbooks are read whole in memory (DESIGN.md §8 "workbooks excepted, within stated limits"):
 * the ZIP container is checked first so a decompression bomb is refused before SheetJS inflates it.
 */
import * as XLSX from '@e965/xlsx';
import { DatawarpError } from '../../errors.js';
import type { Cell, CellRange, Grid } from '../grid.js';
import { excelSerialToIso } from '../infer/excel.js';
import { sniffMarkup } from '../sniff/markup.js';
import { checkZipBounds, DEFAULT_LIMITS, type ZipLimits } from './zip-bounds.js';

export type WorkbookFormat = 'xlsx' | 'xls' | 'ods';

export interface WorkbookSheet {
  readonly name: string;
  /** hidden or very hidden in the workbook */
  readonly hidden: boolean;
  readonly grid: Grid;
}

export interface Workbook {
  readonly format: WorkbookFormat;
  readonly date1904: boolean;
  readonly sheets: readonly WorkbookSheet[];
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** The workbook format from the first bytes, or null when the bytes are no workbook container. */
export function sniffWorkbookFormat(bytes: Uint8Array): WorkbookFormat | null {
  if (startsWith(bytes, CFB_MAGIC)) return 'xls';
  if (sniffMarkup(bytes) === 'workbook') return 'xls';
  if (startsWith(bytes, ZIP_MAGIC)) {
    const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
    if (head.includes('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')) return 'ods';
    // writers that do not put `mimetype` first: the central directory (at the end) names the parts
    const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 65536))).toString('latin1');
    if (
      !tail.includes('xl/workbook') &&
      tail.includes('content.xml') &&
      tail.includes('META-INF/manifest.xml')
    )
      return 'ods';
    return 'xlsx';
  }
  return null;
}

export interface ReadWorkbookOptions {
  /** only these sheets are converted to grids (by name); the others are listed with empty grids */
  readonly sheets?: readonly string[];
  readonly limits?: ZipLimits;
}

/**
 * Read a workbook's sheets. Throws DatawarpError FILE_ENCRYPTED (password protection),
 * FILE_TRUNCATED (cut-off ZIP), FILE_TOO_LARGE (decompression limits), FILE_UNSUPPORTED.
 */
export async function readWorkbook(
  bytes: Uint8Array,
  file: string,
  options: ReadWorkbookOptions = {},
): Promise<Workbook> {
  const format = sniffWorkbookFormat(bytes);
  if (!format) {
    throw new DatawarpError('FILE_UNSUPPORTED', 'not an xlsx, xls or ods workbook', {
      file,
      hint: 'check the file is a spreadsheet; CSV files are read by their content, not their extension',
    });
  }
  if (format === 'xls' && startsWith(bytes, CFB_MAGIC)) refuseEncryptedContainer(bytes, file);
  else if (format !== 'xls') await checkZipBounds(bytes, file, options.limits ?? DEFAULT_LIMITS);

  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, {
      type: 'buffer',
      dense: true,
      cellNF: true,
      cellText: true,
      cellDates: false,
      cellHTML: false,
      ...(options.sheets ? { sheets: [...options.sheets] } : {}),
    });
  } catch (err) {
    throw translateError(err, file, format);
  }
  const date1904 = !!wb.Workbook?.WBProps?.date1904;
  const sheets = wb.SheetNames.map((name, i): WorkbookSheet => {
    const hidden = (wb.Workbook?.Sheets?.[i]?.Hidden ?? 0) !== 0;
    const ws = wb.Sheets[name];
    const grid = ws ? sheetToGrid(ws, name, hidden, date1904) : { rows: [], sheet: name, hidden };
    return { name, hidden, grid };
  });
  return { format, date1904, sheets };
}

/** An encrypted xlsx is an OLE container holding `EncryptionInfo`; an encrypted xls says so in BIFF. */
function refuseEncryptedContainer(bytes: Uint8Array, file: string): void {
  let paths: string[];
  try {
    paths = XLSX.CFB.read(bytes, { type: 'buffer' }).FullPaths;
  } catch (err) {
    throw new DatawarpError('FILE_TRUNCATED', 'the workbook container is damaged or cut off', {
      file,
      hint: 'download the file again; it may be incomplete',
      cause: err,
    });
  }
  if (paths.some((p) => /\/(EncryptionInfo|EncryptedPackage)$/.test(p))) throw encrypted(file);
}

function encrypted(file: string, cause?: unknown): DatawarpError {
  return new DatawarpError('FILE_ENCRYPTED', 'the workbook is password-protected (encrypted)', {
    file,
    hint: 'open it in Excel, remove the password (File > Info > Protect Workbook), save and retry',
    cause,
  });
}

function translateError(err: unknown, file: string, format: WorkbookFormat): DatawarpError {
  const message = err instanceof Error ? err.message : String(err);
  if (/password|encrypt/i.test(message)) return encrypted(file, err);
  if (
    /end of central directory|unexpected end|truncated|corrupt|invalid zip|bad compressed|premature/i.test(
      message,
    )
  ) {
    return new DatawarpError('FILE_TRUNCATED', `the ${format} file is damaged or cut off`, {
      file,
      hint: 'download the file again; it may be incomplete',
      cause: err,
    });
  }
  return new DatawarpError(
    'FILE_UNSUPPORTED',
    `cannot read the ${format} workbook: ${message.slice(0, 120)}`,
    {
      file,
      hint: 'open and re-save it in Excel or LibreOffice, or export the sheet as CSV',
      cause: err,
    },
  );
}

type DenseSheet = XLSX.WorkSheet & { '!data'?: (XLSX.CellObject | undefined)[][] };

function sheetToGrid(ws: DenseSheet, name: string, hidden: boolean, date1904: boolean): Grid {
  const data = ws['!data'] ?? [];
  const rows: (Cell | undefined)[][] = [];
  let lastRow = -1;
  // forEach skips holes: a declared range of 16,000 empty columns costs nothing
  data.forEach((srcRow, r) => {
    if (!srcRow) return;
    const row: (Cell | undefined)[] = [];
    let lastCol = -1;
    srcRow.forEach((src, c) => {
      const cell = src ? toCell(src, date1904) : undefined;
      if (!cell) return;
      row[c] = cell;
      lastCol = c;
    });
    if (lastCol < 0) return;
    row.length = lastCol + 1;
    rows[r] = row;
    lastRow = r;
  });
  rows.length = lastRow + 1;
  const dense = Array.from(rows, (row) => row ?? []);
  const merges: CellRange[] = (ws['!merges'] ?? [])
    .filter((m) => m.s.r <= lastRow)
    .map((m) => ({ r1: m.s.r, c1: m.s.c, r2: m.e.r, c2: m.e.c }));
  return { rows: dense, merges, sheet: name, hidden };
}

function toCell(src: XLSX.CellObject, date1904: boolean): Cell | undefined {
  const numFmt = typeof src.z === 'string' && src.z !== 'General' ? src.z : undefined;
  const fmt = numFmt ? { numFmt } : {};
  switch (src.t) {
    case 'z':
      return undefined;
    case 's': {
      const text = String(src.v ?? '');
      return text.trim() === '' ? undefined : { kind: 'string', text, ...fmt };
    }
    case 'b':
      return { kind: 'boolean', text: src.w ?? (src.v ? 'TRUE' : 'FALSE'), value: !!src.v, ...fmt };
    case 'e':
      return { kind: 'error', text: src.w ?? '#ERROR', ...fmt };
    case 'n': {
      const v = Number(src.v);
      const text = src.w ?? String(v);
      if (numFmt && XLSX.SSF.is_date(numFmt)) {
        // a time of day has no date to load; it stays the text Excel shows
        if (isTimeOnly(numFmt)) return { kind: 'string', text, numFmt };
        const iso = serialToIso(v, date1904);
        if (iso) return { kind: 'date', text, value: iso, numFmt };
      }
      return { kind: 'number', text, value: v, ...fmt };
    }
    case 'd': {
      const d = src.v instanceof Date ? src.v : new Date(String(src.v));
      const iso = Number.isNaN(d.getTime())
        ? String(src.v)
        : d
            .toISOString()
            .replace(/T00:00:00\.000Z$/, '')
            .replace(/\.000Z$/, '');
      return { kind: 'date', text: src.w ?? iso, value: iso, ...fmt };
    }
    default:
      return undefined;
  }
}

/** An Excel serial as an ISO date (`2023-09-01`) or timestamp (`2023-09-01T12:30:00`), no zone. */
export function serialToIso(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 0) return null;
  return excelSerialToIso(serial, date1904).replace(' ', 'T');
}

/** `h:mm`, `[h]:mm:ss`: a time of day or a duration, no calendar date. */
function isTimeOnly(numFmt: string): boolean {
  const tokens = numFmt.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '');
  return /[hs]/i.test(tokens) && !/[yd]/i.test(tokens);
}
