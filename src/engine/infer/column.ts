/**
 * Per-column type inference in DuckDB's spirit (type_detection.cpp): every column starts able to
 * be anything, and each value that cannot be read as a type rules that type out. The most
 * specific type still possible wins: boolean, integer, bigint, numeric, double precision, then
 * date, timestamp, else text. Suppression markers and null spellings never rule a type out; they
 * count as suppressed/null when the column ends up typed, and as values when it ends up text.
 */
import type { PgType, ValueFormat } from '../table-spec.js';
import { dateShape } from './date.js';
import { isNullToken, isSuppressionMarker } from './markers.js';
import { integerWidth, isPlainInteger, parseDecimalComma, parseNumber } from './number.js';

// Single letters (Y/N, T/F) stay text: in real files they are as often codes as flags.
const BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  yes: true,
  no: false,
};

export function parseBoolean(text: string): boolean | undefined {
  return text.length <= 5 ? BOOLEANS[text.toLowerCase()] : undefined;
}

const MAX_EXAMPLES = 3;

/** Running evidence about one column; feed it with `observeText` (or `observeNative`), then `decideColumn`. */
export class ColumnStats {
  values = 0;
  empty = 0;
  markers = 0;
  nullTokens = 0;
  bool = true;
  number = true;
  /** 0 int4, 1 int8, 2 numeric, 3 has a fraction, 4 has an exponent */
  numberWidth = 0;
  thousands = false;
  percent = false;
  currency: string | null = null;
  date = true;
  timestamp = false;
  datePattern: string | null = null;
  mixedDatePatterns = false;
  firstOver12 = false;
  secondOver12 = false;
  slashDates = 0;
  /** every value reads as a decimal-comma number (`0,25`), and some only so */
  decimalComma = true;
  decimalCommaNeeded = false;
  /** every value was 8 digits (YYYYMMDD candidates) */
  allYmd8 = true;
  examples: string[] = [];
  markerExamples: string[] = [];

  private example(text: string): void {
    if (this.examples.length < MAX_EXAMPLES && !this.examples.includes(text)) this.examples.push(text);
  }

  /** One cell's text as found in the file. */
  observeText(raw: string): void {
    const text =
      raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32) ? raw.trim() : raw;
    if (text.length === 0) {
      this.empty++;
      return;
    }
    if (isSuppressionMarker(text)) {
      this.markers++;
      if (this.markerExamples.length < MAX_EXAMPLES && !this.markerExamples.includes(text))
        this.markerExamples.push(text);
      return;
    }
    if (isNullToken(text)) {
      this.nullTokens++;
      return;
    }
    this.values++;
    this.example(text);
    if (this.bool && parseBoolean(text) === undefined) this.bool = false;
    if (this.number || this.allYmd8) {
      if (isPlainInteger(text)) {
        if (this.numberWidth < 2) {
          const w = integerWidth(text);
          if (w > this.numberWidth) this.numberWidth = w;
        }
        if (text.length !== 8) this.allYmd8 = false;
      } else {
        this.allYmd8 = false;
        if (this.decimalComma) {
          if (parseDecimalComma(text) === null) this.decimalComma = false;
          else if (parseNumber(text) === null) this.decimalCommaNeeded = true;
        }
        if (this.number) this.observeNumberText(text);
      }
    } else if (this.decimalComma && !isPlainInteger(text)) {
      if (parseDecimalComma(text) === null) this.decimalComma = false;
      else this.decimalCommaNeeded = true;
    }
    if (this.date) this.observeDateText(text);
  }

  private observeNumberText(text: string): void {
    const n = parseNumber(text);
    if (!n) {
      this.number = false;
      return;
    }
    if (n.thousands) this.thousands = true;
    if (n.percent) this.percent = true;
    if (n.currency) {
      if (this.currency && this.currency !== n.currency) this.number = false;
      this.currency = n.currency;
    }
    const w =
      n.kind === 'float' ? 4 : n.kind === 'decimal' ? 3 : Math.max(integerWidth(n.value), this.numberWidth);
    if (w > this.numberWidth) this.numberWidth = w;
  }

  private observeDateText(text: string): void {
    const d = dateShape(text);
    if (!d) {
      this.date = false;
      return;
    }
    if (d.kind === 'timestamp') this.timestamp = true;
    // YYYYMMDD only reads as a date when every value is written so (see allYmd8)
    // a column that mixes ways of writing dates (`2024-03-08`, `03/10/2024`) is not read as
    // dates: the mix leaves the day/month order of the odd ones in doubt
    if (this.datePattern === null) this.datePattern = d.pattern;
    else if (this.datePattern !== d.pattern) this.mixedDatePatterns = true;
    if (d.slash) {
      this.slashDates++;
      if (d.slash.firstOver12) this.firstOver12 = true;
      if (d.slash.secondOver12) this.secondOver12 = true;
    }
  }

  /** A native workbook value (number, boolean or ISO date string) with its display text. */
  observeNative(value: number | boolean | string, text: string, kind: 'number' | 'boolean' | 'date'): void {
    this.values++;
    this.example(text);
    this.allYmd8 = false;
    if (kind === 'boolean') {
      this.number = false;
      this.date = false;
      return;
    }
    this.bool = false;
    if (kind === 'number') {
      this.date = false;
      const n = value as number;
      const w = Number.isInteger(n) ? (Math.abs(n) <= 2147483647 ? 0 : Number.isSafeInteger(n) ? 1 : 3) : 3;
      if (w > this.numberWidth) this.numberWidth = w;
      return;
    }
    this.number = false;
    const iso = String(value);
    if (iso.length > 10 && !/[T ]00:00:00(\.0+)?$/.test(iso)) this.timestamp = true;
    if (this.datePattern === null) this.datePattern = 'native';
  }

  /** A cell that holds an error (`#REF!`) or a null spelling: null, not suppression. */
  observeNull(): void {
    this.nullTokens++;
  }
}

export interface ColumnGuess {
  readonly type: PgType;
  readonly nullable: boolean;
  readonly suppressed: number;
  readonly format?: ValueFormat;
  readonly examples: readonly string[];
  readonly warnings: readonly string[];
}

/** The most specific type the evidence allows. `header` is only used in warning texts. */
export function decideColumn(s: ColumnStats, header = ''): ColumnGuess {
  const typed = (type: PgType, format?: ValueFormat, warnings: string[] = []): ColumnGuess => ({
    type,
    nullable: s.empty + s.markers + s.nullTokens > 0 || s.values === 0,
    suppressed: s.markers,
    ...(format && Object.keys(format).length > 0 ? { format } : {}),
    examples: s.examples,
    warnings,
  });
  if (s.values === 0) {
    return { ...typed('text'), suppressed: 0, examples: s.markerExamples };
  }
  if (s.bool) return typed('boolean');
  if (s.allYmd8 && s.date && s.datePattern === 'ymd8') {
    return typed('date', { datePattern: 'YYYYMMDD', dateOrder: 'ymd' });
  }
  if (s.number) {
    const format: { thousands?: string; percent?: boolean; currency?: string } = {};
    if (s.thousands) format.thousands = ',';
    if (s.percent) format.percent = true;
    if (s.currency) format.currency = s.currency;
    const type: PgType = (['integer', 'bigint', 'numeric', 'numeric', 'double precision'] as const)[
      s.numberWidth
    ]!;
    return typed(type, format);
  }
  if (s.decimalComma && s.decimalCommaNeeded) {
    return typed('numeric', { decimal: ',', thousands: '.' });
  }
  if (s.date && !s.mixedDatePatterns) {
    const type: PgType = s.timestamp ? 'timestamp' : 'date';
    if (s.slashDates > 0) {
      if (s.firstOver12 && s.secondOver12) return textGuess(s);
      const warnings: string[] = [];
      if (s.datePattern === 'dmyy') {
        warnings.push(`${header || 'column'}: two-digit years like ${s.examples[0] ?? ''} read as 1969–2068`);
      }
      if (s.secondOver12) return typed(type, { dateOrder: 'mdy' }, warnings);
      const orderWarnings = s.firstOver12
        ? []
        : [
            `${header || 'column'}: dates like ${s.examples[0] ?? ''} could be day/month or month/day; read as UK day/month`,
          ];
      return typed(type, { dateOrder: 'dmy' }, [...warnings, ...orderWarnings]);
    }
    return typed(type, s.datePattern && s.datePattern !== 'iso' ? { datePattern: s.datePattern } : undefined);
  }
  return textGuess(s);
}

function textGuess(s: ColumnStats): ColumnGuess {
  // In a text column markers are ordinary values; only empty cells are null.
  return {
    type: 'text',
    nullable: s.empty > 0,
    suppressed: 0,
    examples: s.examples,
    warnings: [],
  };
}
