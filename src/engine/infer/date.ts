/**
 * Dates and timestamps as text: ISO `2025-11-30`, UK `30/11/2025` (day first where ambiguous),
 * `01JAN2021` / `1-Jan-2021` / `1 January 2021`, `20191001`, `Nov-25` / `November 2025` (first of
 * the month), each optionally followed by a time. Output is ISO: `YYYY-MM-DD` or
 * `YYYY-MM-DD HH:MM:SS[.fff]`.
 */

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

/** What one text value could be read as. */
export interface DateShape {
  /** the date as ISO, given the order; for `dmy|mdy` texts both readings are tried by the caller */
  readonly kind: 'date' | 'timestamp';
  /** for `a/b/yyyy` texts: whether `a` or `b` exceeds 12 (which forces the order) */
  readonly slash: null | { readonly firstOver12: boolean; readonly secondOver12: boolean };
  /** a pattern name for replay: iso, dmy, dmyy (two-digit year), ymd8, dmonyyyy, monyy */
  readonly pattern: string;
}

export const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function isoDate(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

const TIME =
  /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(?:([AP])\.?M\.?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const ISO = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ](.+))?$/;
const SLASH = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[T ](.+))?$/;

/** A two-digit year as spreadsheet software reads it: 00–68 are 2000–2068, 69–99 are 1969–1999. */
export function fullYear(yy: string): number {
  const n = Number(yy);
  return yy.length === 2 ? (n <= 68 ? 2000 + n : 1900 + n) : n;
}
const DMONY = /^(\d{1,2})[- ]?([A-Za-z]{3,9})[- ]?(\d{4})(?:[ :](.+))?$/;
const MONY = /^([A-Za-z]{3,9})[- ](\d{2}|\d{4})$/;
const YMD8 = /^(\d{4})(\d{2})(\d{2})$/;

/** `HH:MM[:SS[.fff]]` (with an optional offset, converted to UTC) → `HH:MM:SS[.fff]` plus a day shift. */
function parseTime(text: string): { time: string; dayShift: number } | null {
  const m = TIME.exec(text.trim());
  if (!m) return null;
  let h = Number(m[1]);
  let min = Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  const half = m[5]?.toUpperCase();
  if (half) {
    // 12-hour clock: 12:30 AM is 00:30, 12:30 PM is 12:30
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (half === 'P' ? 12 : 0);
  }
  if (h > 23 || min > 59 || sec > 60) return null;
  let dayShift = 0;
  const zone = m[6];
  if (zone && !/^(Z|UTC|GMT)$/i.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    let total = h * 60 + min - sign * offset;
    dayShift = Math.floor(total / 1440);
    total -= dayShift * 1440;
    h = Math.floor(total / 60);
    min = total % 60;
  }
  const frac = m[4] ?? '';
  return { time: `${pad(h)}:${pad(min)}:${pad(sec)}${frac}`, dayShift };
}

function shiftDays(iso: string, days: number): string {
  if (days === 0) return iso;
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function withTime(date: string, rest: string | undefined): string | null {
  if (rest === undefined) return date;
  const t = parseTime(rest);
  if (!t) return null;
  return `${shiftDays(date, t.dayShift)} ${t.time}`;
}

/**
 * Read `text` (trimmed) as a date or timestamp in ISO form, or null. `order` decides `a/b/yyyy`
 * texts; `ymd8` allows bare `YYYYMMDD` (only when the whole column is written that way).
 */
export function parseDate(text: string, order: DateOrder = 'dmy', ymd8 = false): string | null {
  const c0 = text.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    let m = ISO.exec(text);
    if (m) {
      const y = Number(m[1]);
      const mo = Number(m[3]);
      const d = Number(m[4]);
      return validDate(y, mo, d) ? withTime(isoDate(y, mo, d), m[5]) : null;
    }
    m = SLASH.exec(text);
    if (m) {
      const a = Number(m[1]);
      const b = Number(m[3]);
      const y = fullYear(m[4]!);
      const [d, mo] = order === 'mdy' ? [b, a] : [a, b];
      return validDate(y, mo, d) ? withTime(isoDate(y, mo, d), m[5]) : null;
    }
    m = DMONY.exec(text);
    if (m) {
      const mo = MONTHS[m[2]!.toLowerCase()];
      const y = Number(m[3]);
      const d = Number(m[1]);
      return mo !== undefined && validDate(y, mo, d) ? withTime(isoDate(y, mo, d), m[4]) : null;
    }
    if (ymd8) {
      m = YMD8.exec(text);
      if (m) {
        const y = Number(m[1]);
        const mo = Number(m[2]);
        const d = Number(m[3]);
        return y >= 1800 && y <= 2200 && validDate(y, mo, d) ? isoDate(y, mo, d) : null;
      }
    }
    return null;
  }
  const m = MONY.exec(text);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase()];
    const yy = m[2]!;
    const y = yy.length === 2 ? 2000 + Number(yy) : Number(yy);
    return mo === undefined ? null : isoDate(y, mo, 1);
  }
  return null;
}

const SLASH_SHAPES: DateShape[] = [false, true].flatMap((firstOver12) =>
  [false, true].map((secondOver12) => ({
    kind: 'date' as const,
    slash: { firstOver12, secondOver12 },
    pattern: 'dmy',
  })),
);
const ISO_DATE: DateShape = { kind: 'date', slash: null, pattern: 'iso' };

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `DD/MM/YYYY` and `YYYY-MM-DD` without a regular expression: the hot path of inference. */
function quickShape(s: string): DateShape | null | undefined {
  if (s.length !== 10) return undefined;
  if (s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y = twoDigits(s, 0) * 100 + twoDigits(s, 2);
    const m = twoDigits(s, 5);
    const d = twoDigits(s, 8);
    if (y < 0 || m < 0 || d < 0 || twoDigits(s, 0) < 0 || twoDigits(s, 2) < 0) return undefined;
    return validDate(y, m, d) ? ISO_DATE : null;
  }
  const sep = s.charCodeAt(2);
  if ((sep === 47 || sep === 46 || sep === 45) && s.charCodeAt(5) === sep) {
    const a = twoDigits(s, 0);
    const b = twoDigits(s, 3);
    const hi = twoDigits(s, 6);
    const lo = twoDigits(s, 8);
    if (a < 0 || b < 0 || hi < 0 || lo < 0) return undefined;
    const y = hi * 100 + lo;
    const dmy = validDate(y, b, a);
    const mdy = validDate(y, a, b);
    if (!dmy && !mdy) return null;
    return SLASH_SHAPES[(mdy ? 0 : 2) + (dmy ? 0 : 1)]!;
  }
  return undefined;
}

/** Classify a text for column inference without committing to a date order. */
export function dateShape(text: string): DateShape | null {
  const quick = quickShape(text);
  if (quick !== undefined) return quick;
  const c0 = text.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    let m = ISO.exec(text);
    if (m) {
      const y = Number(m[1]);
      const mo = Number(m[3]);
      const d = Number(m[4]);
      if (!validDate(y, mo, d)) return null;
      if (m[5] !== undefined && !parseTime(m[5])) return null;
      return { kind: m[5] === undefined ? 'date' : 'timestamp', slash: null, pattern: 'iso' };
    }
    m = SLASH.exec(text);
    if (m) {
      const a = Number(m[1]);
      const b = Number(m[3]);
      const y = fullYear(m[4]!);
      const dmy = validDate(y, b, a);
      const mdy = validDate(y, a, b);
      if (!dmy && !mdy) return null;
      if (m[5] !== undefined && !parseTime(m[5])) return null;
      return {
        kind: m[5] === undefined ? 'date' : 'timestamp',
        slash: { firstOver12: !mdy, secondOver12: !dmy },
        pattern: m[4]!.length === 2 ? 'dmyy' : 'dmy',
      };
    }
    m = DMONY.exec(text);
    if (m) {
      if (parseDate(text) === null) return null;
      return { kind: m[4] === undefined ? 'date' : 'timestamp', slash: null, pattern: 'dmonyyyy' };
    }
    m = YMD8.exec(text);
    if (m && parseDate(text, 'ymd', true) !== null) {
      return { kind: 'date', slash: null, pattern: 'ymd8' };
    }
    return null;
  }
  if (MONY.test(text) && parseDate(text) !== null) return { kind: 'date', slash: null, pattern: 'monyy' };
  return null;
}
