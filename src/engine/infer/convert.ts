/**
 * Display text → the text PostgreSQL's COPY reads for a column's type (ISO dates, plain numbers,
 * `t`/`f`), or null. A value the type cannot hold throws `Misfit`; readers turn that into the
 * public `TypeMisfit` with the column name and row, and the loader widens the column.
 */
import type { ColumnSpec, PgType, ValueFormat } from '../table-spec.js';
import type { Cell } from '../grid.js';
import { parseBoolean } from './column.js';
import { daysInMonth, parseDate, type DateOrder } from './date.js';
import { isNullToken, isSuppressionMarker } from './markers.js';
import { integerWidth, isPlainInteger, parseDecimalComma, parseNumber } from './number.js';
import { excelFormatHasDay, excelSerialToIso, isExcelDateFormat } from './excel.js';

/** Thrown by a converter; carries nothing so that throwing it in a hot loop stays cheap. */
export class Misfit extends Error {
  constructor() {
    super('value does not fit');
  }
}
const MISFIT = new Misfit();

export type Converter = (text: string) => string | null;

function trimmed(raw: string): string {
  return raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32)
    ? raw.trim()
    : raw;
}

/** True when the text means "no value" in a typed column. */
function isTypedNull(text: string): boolean {
  return text.length === 0 || isSuppressionMarker(text) || isNullToken(text);
}

function integerConverter(maxWidth: 0 | 1): Converter {
  return (raw) => {
    const text = trimmed(raw);
    if (isPlainInteger(text)) {
      if (text.length < 10 || integerWidth(text) <= maxWidth) return text;
      throw MISFIT;
    }
    if (isTypedNull(text)) return null;
    const n = parseNumber(text);
    if (!n || n.kind !== 'integer' || integerWidth(n.value) > maxWidth) throw MISFIT;
    return n.value;
  };
}

/** `-12.50`, `3`: digits with at most one point, no leading zero before another digit. */
function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  if (s.charCodeAt(i) === 48 && i + 1 < n && s.charCodeAt(i + 1) !== 46) return false;
  let point = false;
  let digits = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !point) point = true;
    else return false;
  }
  return digits > 0 && s.charCodeAt(n - 1) !== 46;
}

function digitsAt(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `YYYY-MM-DD` exactly, a real calendar day. */
function isIsoDay(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  if (!digitsAt(s, 0, 4) || !digitsAt(s, 5, 7) || !digitsAt(s, 8, 10)) return false;
  const m = (s.charCodeAt(5) - 48) * 10 + s.charCodeAt(6) - 48;
  const d = (s.charCodeAt(8) - 48) * 10 + s.charCodeAt(9) - 48;
  if (m < 1 || m > 12 || d < 1) return false;
  if (d <= 28) return true;
  const y = Number(s.slice(0, 4));
  return y >= 1 && d <= daysInMonth(y, m);
}

function decimalCommaConverter(): Converter {
  return (raw) => {
    const text = trimmed(raw);
    if (isPlainInteger(text)) return text;
    if (isTypedNull(text)) return null;
    const v = parseDecimalComma(text);
    if (v === null) throw MISFIT;
    return v;
  };
}

function numberConverter(): Converter {
  return (raw) => {
    const text = trimmed(raw);
    if (isPlainDecimal(text)) return text;
    if (isTypedNull(text)) return null;
    const n = parseNumber(text);
    if (!n) throw MISFIT;
    return n.value;
  };
}

/** `DD/MM/YYYY` (or `MM/DD/YYYY`) exactly, as ISO; null when the text is not written so or not a day. */
function slashDay(s: string, order: DateOrder): string | null {
  if (s.length !== 10) return null;
  const sep = s.charCodeAt(2);
  if ((sep !== 47 && sep !== 45 && sep !== 46) || s.charCodeAt(5) !== sep) return null;
  if (!digitsAt(s, 0, 2) || !digitsAt(s, 3, 5) || !digitsAt(s, 6, 10)) return null;
  const a = (s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48;
  const b = (s.charCodeAt(3) - 48) * 10 + s.charCodeAt(4) - 48;
  const mdy = order === 'mdy';
  const d = mdy ? b : a;
  const m = mdy ? a : b;
  if (m < 1 || m > 12 || d < 1) return null;
  const y = s.slice(6, 10);
  if (d > 28 && d > daysInMonth(Number(y), m)) return null;
  return mdy ? `${y}-${s.slice(0, 2)}-${s.slice(3, 5)}` : `${y}-${s.slice(3, 5)}-${s.slice(0, 2)}`;
}

function dateConverter(type: 'date' | 'timestamp', format: ValueFormat | undefined): Converter {
  const order: DateOrder = format?.dateOrder ?? 'dmy';
  const ymd8 = format?.datePattern === 'YYYYMMDD';
  return (raw) => {
    const text = trimmed(raw);
    if (isIsoDay(text)) return type === 'date' ? text : `${text} 00:00:00`;
    const fast = order === 'ymd' ? null : slashDay(text, order);
    if (fast !== null) return type === 'date' ? fast : `${fast} 00:00:00`;
    if (isTypedNull(text)) return null;
    const iso = parseDate(text, order, ymd8);
    if (iso === null) throw MISFIT;
    if (type === 'date' && iso.length > 10) {
      // a midnight time on a date column is the same date; any other time does not fit
      if (/ 00:00:00(\.0+)?$/.test(iso)) return iso.slice(0, 10);
      throw MISFIT;
    }
    return iso;
  };
}

/** A converter for one column's display texts. */
export function textConverter(type: PgType, format?: ValueFormat): Converter {
  switch (type) {
    case 'text':
      // PostgreSQL text cannot hold NUL characters (some exports pad with them): they are dropped
      return (raw) => (raw.length === 0 ? null : raw.indexOf('\0') < 0 ? raw : raw.replace(/\0/g, ''));
    case 'boolean':
      return (raw) => {
        const text = trimmed(raw);
        if (isTypedNull(text)) return null;
        const b = parseBoolean(text);
        if (b === undefined) throw MISFIT;
        return b ? 't' : 'f';
      };
    case 'integer':
      return integerConverter(0);
    case 'bigint':
      return integerConverter(1);
    case 'numeric':
    case 'double precision':
      return format?.decimal === ',' ? decimalCommaConverter() : numberConverter();
    case 'date':
    case 'timestamp':
      return dateConverter(type, format);
    default: {
      const never: never = type;
      throw new Error(`unknown type ${String(never)}`);
    }
  }
}

export function columnConverter(column: ColumnSpec): Converter {
  return textConverter(column.type, column.format);
}

/** Canonical text for a JavaScript number that PostgreSQL numeric/float accepts. */
function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? 'Infinity' : n < 0 ? '-Infinity' : 'NaN';
}

/**
 * Typed value of a workbook cell for a column: native numbers, booleans and dates are used as
 * they are stored (not as displayed); strings go through the text converter.
 */
export function convertCell(
  cell: Cell | undefined,
  type: PgType,
  convertText: Converter,
  numFmtDayless = false,
  date1904 = false,
): string | null {
  if (!cell || cell.kind === 'empty') return null;
  if (cell.kind === 'error') return null;
  if (cell.kind === 'string' || type === 'text' || cell.value === undefined) return convertText(cell.text);
  if (
    cell.kind === 'number' &&
    cell.numFmt &&
    isExcelDateFormat(cell.numFmt) &&
    typeof cell.value === 'number'
  ) {
    // a date serial the reader left as a number: read it as inference did
    return convertCell(
      { ...cell, kind: 'date', value: excelSerialToIso(cell.value, date1904) },
      type,
      convertText,
      numFmtDayless,
    );
  }
  const v = cell.value;
  if (cell.kind === 'boolean') {
    if (type === 'boolean') return v ? 't' : 'f';
    throw MISFIT;
  }
  if (cell.kind === 'number') {
    const n = v as number;
    if (type === 'integer' || type === 'bigint') {
      if (!Number.isInteger(n)) throw MISFIT;
      if (type === 'integer' && Math.abs(n) > 2147483647) throw MISFIT;
      if (!Number.isSafeInteger(n)) throw MISFIT;
      return String(n);
    }
    if (type === 'numeric' || type === 'double precision') return numberText(n);
    throw MISFIT;
  }
  // a date cell: ISO text, maybe with a time
  const iso = String(v).replace('T', ' ').replace(/Z$/, '');
  if (type === 'date' || type === 'timestamp') {
    let day = iso.slice(0, 10);
    if (numFmtDayless || (cell.numFmt !== undefined && !excelFormatHasDay(cell.numFmt)))
      day = `${day.slice(0, 8)}01`;
    if (type === 'date') {
      const time = iso.slice(11);
      if (time !== '' && !/^00:00(:00(\.0+)?)?$/.test(time)) throw MISFIT;
      return day;
    }
    return iso.length > 10 ? `${day}${iso.slice(10)}` : `${day} 00:00:00`;
  }
  throw MISFIT;
}
