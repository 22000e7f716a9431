import { isNullToken, isSuppressionMarker } from '../../engine/infer/index.js';
import type { LineEditor } from '../../warehouse/copy.js';
import type { ColumnProfile } from '../../warehouse/queries/quality.js';

/**
 * What the raw path needs to know about a CSV's rows, read from the bytes while they stream into
 * COPY (PostgreSQL parses in its own process, so this costs the load no extra pass): non-null
 * counts and date ranges per column for the quality gates, whether any row is one that
 * PostgreSQL reads differently from datawarp's reader (a blank row, `infinity`, a code `007`), and
 * the suppression markers to cut from the bytes before they are sent (`takeCuts`), counted.
 *
 * It errs one way only: a value it cannot read for sure (a date in another spelling, a table whose
 * header row PostgreSQL could load as data) makes it `unsure`, and the caller asks the table
 * instead. Fields follow PostgreSQL's CSV rules: a quote opens a quoted part anywhere in a field,
 * the escape character escapes the quote or itself inside quotes, and with FORCE_NULL an
 * empty value (quoted or not) is null.
 */
export interface ScanColumn {
  readonly name: string;
  /** the type detection gave the column */
  readonly type: string;
  /** the type of the table column the values land in */
  readonly landed: string;
  /** detection's date pattern, when not ISO or day-first digits (`dmonyyyy`: `01JAN2021`) */
  readonly datePattern?: string;
}

const SPACE = 0x20;
const NUMERIC = new Set(['integer', 'bigint', 'numeric', 'double precision']);

export class RawScan implements LineEditor {
  /** records seen (rows PostgreSQL should have loaded) */
  records = 0;
  /** rows PostgreSQL reads differently from datawarp's reader, as the table can tell */
  suspects = 0;
  /**
   * rows with a value PostgreSQL takes but datawarp's reader reads otherwise, which the table
   * cannot tell afterwards: `007` (a code, loaded as 7), `1_000`, `0x1F`, `5.`, `today`
   */
  lenient = 0;
  /** true once a value could not be judged: the counts must then come from the table */
  unsure = false;
  /** suppression markers per column (`*`, `[c]`, `-`): sent as empty fields, so they load as null */
  readonly suppressed: number[];

  private readonly delimiter: number;
  private readonly quote: number;
  private readonly escape: number;
  private readonly width: number;
  private readonly isText: boolean[];
  private readonly isNumeric: boolean[];
  private readonly isDate: boolean[];
  /** columns whose markers and null tokens are blanked (numbers and dates, as the reader types them) */
  private readonly isTyped: boolean[];
  private readonly nonNull: number[];
  private readonly minDate: number[];
  private readonly maxDate: number[];

  // the record under way (a quoted value may carry it over several lines)
  private field = 0;
  private inQuotes = false;
  /** a value with quotes is unquoted into `value`; others are read where they lie */
  private quoted = false;
  private value = new Uint8Array(256);
  private valueLength = 0;
  private recordBlank = true;
  private recordSuspect = false;
  private recordLenient = false;
  /** where the current field's bytes start in the line's buffer (-1: on an earlier line) and end */
  private fieldStart = 0;
  private fieldEnd = 0;
  /** byte ranges of the current buffer to send as nothing (blanked markers), for copyCsvFile */
  private cuts: number[] = [];

  constructor(
    private readonly columns: readonly ScanColumn[],
    dialect: { delimiter: string; quote: string | null; escape: string | null },
  ) {
    this.delimiter = dialect.delimiter.charCodeAt(0);
    // the raw path is only taken with a quote character
    const quote = dialect.quote ?? '"';
    this.quote = quote.charCodeAt(0);
    this.escape = (dialect.escape ?? quote).charCodeAt(0);
    this.width = columns.length;
    this.isText = columns.map((c) => c.type === 'text');
    this.isNumeric = columns.map((c) => NUMERIC.has(c.type) || NUMERIC.has(c.landed));
    this.isDate = columns.map((c) => c.type === 'date' || c.landed === 'date');
    this.isTyped = columns.map((_, j) => this.isNumeric[j]! || this.isDate[j]!);
    this.suppressed = columns.map(() => 0);
    this.nonNull = columns.map(() => 0);
    this.minDate = columns.map(() => Infinity);
    this.maxDate = columns.map(() => -Infinity);
  }

  /** One physical line, `buf[start, end)` without its line break. */
  add(buf: Buffer, start: number, end: number): void {
    const { delimiter, quote } = this;
    let i = start;
    this.fieldStart = this.inQuotes ? -1 : start;
    // the line break belongs to a quoted value
    if (this.inQuotes) {
      this.push(10);
      i = this.quotedPart(buf, i, end);
      if (this.inQuotes) return;
      i++; // past the closing quote
    }
    // the unquoted part of the current value starts here; a quoted part is copied into `value`
    let from = i;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c === delimiter) {
        this.fieldEnd = i;
        if (this.quoted) {
          this.append(buf, from, i);
          this.endField(this.value, 0, this.valueLength);
        } else this.endField(buf, from, i);
        from = i + 1;
        this.fieldStart = from;
      } else if (c === quote) {
        if (!this.quoted) {
          this.quoted = true;
          this.valueLength = 0;
        }
        this.append(buf, from, i);
        this.inQuotes = true;
        i = this.quotedPart(buf, i + 1, end);
        if (this.inQuotes) return;
        from = i + 1;
      }
    }
    this.fieldEnd = end;
    if (this.quoted) {
      this.append(buf, from, end);
      this.endField(this.value, 0, this.valueLength);
    } else this.endField(buf, from, end);
    if (this.field !== this.width) this.unsure = true;
    if (this.recordBlank || this.recordSuspect) this.suspects++;
    if (this.recordLenient) this.lenient++;
    this.records++;
    this.field = 0;
    this.recordBlank = true;
    this.recordSuspect = false;
    this.recordLenient = false;
  }

  /**
   * Copy a quoted part from `i` into `value`: the position of its closing quote, or `end` with
   * `inQuotes` still set when the value goes on past this line.
   */
  private quotedPart(buf: Buffer, i: number, end: number): number {
    const { quote, escape } = this;
    if (escape !== quote) {
      for (; i < end; i++) {
        const c = buf[i]!;
        if (c === escape && i + 1 < end && (buf[i + 1] === quote || buf[i + 1] === escape))
          this.push(buf[++i]!);
        else if (c === quote) {
          this.inQuotes = false;
          return i;
        } else this.push(c);
      }
      return end;
    }
    for (;;) {
      const q = buf.indexOf(quote, i);
      if (q < 0 || q >= end) {
        this.append(buf, i, end);
        return end;
      }
      if (q + 1 < end && buf[q + 1] === quote) {
        // a doubled quote is one quote character
        this.append(buf, i, q + 1);
        i = q + 2;
        continue;
      }
      this.append(buf, i, q);
      this.inQuotes = false;
      return q;
    }
  }

  private append(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    while (this.valueLength + (to - from) > this.value.length) {
      const grown = new Uint8Array(this.value.length * 2);
      grown.set(this.value);
      this.value = grown;
    }
    buf.copy(this.value, this.valueLength, from, to);
    this.valueLength += to - from;
  }

  private push(c: number): void {
    if (this.valueLength === this.value.length) {
      const grown = new Uint8Array(this.value.length * 2);
      grown.set(this.value);
      this.value = grown;
    }
    this.value[this.valueLength++] = c;
  }

  /** One value, `v[start, end)` unquoted. */
  private endField(v: Uint8Array, start: number, end: number): void {
    const j = this.field++;
    this.quoted = false;
    this.valueLength = 0;
    if (j >= this.width) {
      // a field PostgreSQL would refuse: the COPY fails and this scan is not used
      this.unsure = true;
      return;
    }
    if (end === start) return; // null
    if (this.isTyped[j] && markerStart(v, start, end) && this.blankMarker(j, v, start, end)) return;
    this.nonNull[j]!++;
    if (this.recordBlank && (!this.isText[j] || !allSpaces(v, start, end))) this.recordBlank = false;
    if (this.isNumeric[j]) {
      // `NaN`, `Infinity`: the only numbers PostgreSQL takes that start with a letter
      let k = start;
      while (k < end && (v[k] === SPACE || v[k] === 0x2b || v[k] === 0x2d)) k++;
      const lead = v[k] ?? 0x30;
      if (!(lead >= 0x30 && lead <= 0x39) && lead !== 0x2e) this.recordSuspect = true;
      else if (lenientNumber(v, start, end)) this.recordLenient = true;
    }
    if (this.isDate[j]) this.observeDate(j, v, start, end);
  }

  /**
   * A suppression marker or null token (`*`, `[c]`, `-`, `N/A`) in a number or date column: the
   * reader loads it as null, so it is sent as an empty field, which PostgreSQL loads as null.
   * False (and the field goes as it is, for PostgreSQL to refuse) when it is not one.
   */
  private blankMarker(j: number, v: Uint8Array, start: number, end: number): boolean {
    const text = DECODER.decode(v.subarray(start, end)).trim();
    const marker = isSuppressionMarker(text);
    if (!marker && !isNullToken(text)) return false;
    // a field begun on an earlier line cannot be cut from this one: PostgreSQL will refuse it
    if (this.fieldStart < 0) return false;
    this.cuts.push(this.fieldStart, this.fieldEnd);
    if (marker) this.suppressed[j]!++;
    // a row of markers is a row to the reader, not a blank line to skip
    this.recordBlank = false;
    return true;
  }

  /** The byte ranges to drop from the buffer the last lines came in (for copyCsvFile). */
  takeCuts(): number[] {
    const cuts = this.cuts;
    if (cuts.length) this.cuts = [];
    return cuts;
  }

  /** `YYYY-M-D` or `D/M/YYYY` (as `DateStyle = 'ISO, DMY'` reads them); anything else is unsure. */
  private observeDate(j: number, v: Uint8Array, start: number, end: number): void {
    let key = dateKey(v, start, end);
    if (key < 0 && this.columns[j]!.datePattern === 'dmonyyyy') key = monthDateKey(v, start, end);
    if (key < 0) {
      this.unsure = true;
      // `today`, `epoch`, `5 Jan 2024`: PostgreSQL may take words datawarp's reader does not
      if (hasLetter(v, start, end)) this.recordLenient = true;
      return;
    }
    if (key < this.minDate[j]!) this.minDate[j] = key;
    if (key > this.maxDate[j]!) this.maxDate[j] = key;
  }

  /** The load's profile, as `profileLoad` would read it from the table. */
  profile(): ColumnProfile[] {
    return this.columns.map((c, j) => ({
      name: c.name,
      nonNull: this.nonNull[j]!,
      min: this.isDate[j] && this.nonNull[j]! > 0 ? isoDate(this.minDate[j]!) : null,
      max: this.isDate[j] && this.nonNull[j]! > 0 ? isoDate(this.maxDate[j]!) : null,
    }));
  }
}

/**
 * `YYYY-M-D` or `D/M/YYYY` as the number YYYYMMDD, or -1 for any other spelling. No allocation:
 * it runs once per date cell.
 */
function dateKey(v: Uint8Array, start: number, end: number): number {
  // three digit groups joined by one separator used twice
  let sep = -1;
  let groups = 0;
  let a = 0;
  let widthA = 0;
  let b = 0;
  let widthB = 0;
  let value = 0;
  let width = 0;
  for (let i = start; i < end; i++) {
    const c = v[i]!;
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      if (++width > 4) return -1;
    } else {
      if (width === 0 || groups === 2 || (c !== 0x2d && c !== 0x2f) || (sep >= 0 && c !== sep)) return -1;
      sep = c;
      if (groups++ === 0) {
        a = value;
        widthA = width;
      } else {
        b = value;
        widthB = width;
      }
      value = 0;
      width = 0;
    }
  }
  if (width === 0 || groups !== 2 || widthB > 2) return -1;
  const ymd = sep === 0x2d && widthA === 4 && width <= 2;
  if (!ymd && !(sep === 0x2f && widthA <= 2 && width === 4)) return -1;
  const y = ymd ? a : value;
  const d = ymd ? value : a;
  if (b < 1 || b > 12 || d < 1 || d > 31) return -1;
  return y * 10000 + b * 100 + d;
}

/**
 * A number PostgreSQL takes but datawarp's reader does not: a leading zero before a digit (`007`,
 * `-01`: a code to the reader, 7 and -1 to PostgreSQL), `_` or a base prefix (`1_000`, `0x1F`,
 * PostgreSQL 16+), a trailing point (`5.`). Letters other than an exponent's `e` count too:
 * PostgreSQL refuses most, and the rest are not the reader's.
 */
function lenientNumber(v: Uint8Array, start: number, end: number): boolean {
  let i = start;
  let e = end;
  while (i < e && v[i] === SPACE) i++;
  while (e > i && v[e - 1] === SPACE) e--;
  if (i < e && (v[i] === 0x2b || v[i] === 0x2d)) i++;
  if (e - i >= 2 && v[i] === 0x30 && v[i + 1]! >= 0x30 && v[i + 1]! <= 0x39) return true;
  if (e > i && v[e - 1] === 0x2e) return true;
  for (let k = i; k < e; k++) {
    const c = v[k]!;
    if (c === 0x5f || (isLetter(c) && (c | 0x20) !== 0x65)) return true;
  }
  return false;
}

function isLetter(c: number): boolean {
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

function hasLetter(v: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isLetter(v[i]!)) return true;
  return false;
}

const DECODER = new TextDecoder();

/**
 * Whether a value may be a marker or null token: short (`#DIV/0!` is the longest), and starting
 * with `* c z x [ : . -` (any case), an en or em dash, or `n N #`, but not a number's `-5`, `.5`.
 * Most values are numbers and never get past the first byte.
 */
function markerStart(v: Uint8Array, start: number, end: number): boolean {
  let i = start;
  let e = end;
  while (i < e && v[i] === SPACE) i++;
  while (e > i && v[e - 1] === SPACE) e--;
  if (e === i || e - i > 7) return false;
  const c = v[i]!;
  const next = v[i + 1] ?? 0;
  if ((c === 0x2d || c === 0x2e) && next >= 0x30 && next <= 0x39) return false;
  const lower = c | 0x20;
  return (
    c === 0x2a ||
    c === 0x5b ||
    c === 0x3a ||
    c === 0x2e ||
    c === 0x2d ||
    c === 0x23 ||
    c === 0xe2 ||
    lower === 0x63 ||
    lower === 0x7a ||
    lower === 0x78 ||
    lower === 0x6e
  );
}

/** Months by their first three letters, lower case, as a number `a << 16 | b << 8 | c`. */
const MONTH_KEYS = new Map(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [
    (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2),
    i + 1,
  ]),
);

/**
 * `01JAN2021`, `1-Jan-2021`, `1 January 2021` as the number YYYYMMDD, or -1. The month is told by
 * its first three letters: a spelling PostgreSQL does not know fails the COPY, so the scan's
 * figures are only used for months PostgreSQL read.
 */
function monthDateKey(v: Uint8Array, start: number, end: number): number {
  let i = start;
  let d = 0;
  while (i < end && v[i]! >= 0x30 && v[i]! <= 0x39 && i - start < 2) d = d * 10 + v[i++]! - 0x30;
  if (i === start) return -1;
  if (v[i] === 0x2d || v[i] === SPACE) i++;
  const word = i;
  while (i < end && isLetter(v[i]!)) i++;
  if (i - word < 3 || i - word > 9) return -1;
  const m = MONTH_KEYS.get(((v[word]! | 0x20) << 16) | ((v[word + 1]! | 0x20) << 8) | (v[word + 2]! | 0x20));
  if (m === undefined) return -1;
  if (v[i] === 0x2d || v[i] === SPACE) i++;
  if (end - i !== 4) return -1;
  let y = 0;
  for (; i < end; i++) {
    const c = v[i]!;
    if (c < 0x30 || c > 0x39) return -1;
    y = y * 10 + c - 0x30;
  }
  if (d < 1 || d > 31) return -1;
  return y * 10000 + m * 100 + d;
}

function allSpaces(v: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (v[i] !== SPACE) return false;
  return true;
}

function isoDate(key: number): string {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100;
  const d = key % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
