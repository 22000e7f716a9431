/**
 * Numbers as people write them: `1,234`, `-£12.50`, `(3.2)`, `45%`, `€1,000,000`, `1.5e-3`.
 * Leading zeros (`007`, `00L`) mean a code, not a number.
 */

export type NumberKind = 'integer' | 'decimal' | 'float';

export interface NumberShape {
  /** canonical text PostgreSQL accepts: `-1234.50` */
  value: string;
  kind: NumberKind;
  thousands: boolean;
  percent: boolean;
  currency: string | null;
}

const CURRENCY = new Set(['£', '$', '€']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Fast check for the common case: optional `-`, digits, no leading zero. */
export function isPlainInteger(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  if (s.charCodeAt(i) === 48 && n - i > 1) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * `-12.50`: optional minus, digits (no leading zero before another digit), one point, digits.
 * Returns the point's position, or -1 when the text is not written so.
 */
function plainDecimalPoint(s: string): number {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  let point = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (point >= 0) return -1;
      point = i;
    } else if (c < 48 || c > 57) return -1;
  }
  if (point <= start || point === n - 1) return -1;
  if (s.charCodeAt(start) === 48 && point > start + 1) return -1;
  return point;
}

/**
 * Parse a displayed number; null when the text is not one. `text` must be trimmed.
 * Thousands separators must group by three; a leading zero before more digits is a code.
 */
export function parseNumber(text: string): NumberShape | null {
  if (isPlainInteger(text)) {
    return { value: text, kind: 'integer', thousands: false, percent: false, currency: null };
  }
  const point = plainDecimalPoint(text);
  if (point > 0) return { value: text, kind: 'decimal', thousands: false, percent: false, currency: null };
  let s = text;
  let negative = false;
  let percent = false;
  let currency: string | null = null;
  if (s.length === 0 || s.length > 64) return null;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.endsWith('%')) {
    percent = true;
    s = s.slice(0, -1).trimEnd();
  }
  let first = s.charAt(0);
  if (first === '-' || first === '+') {
    if (first === '-') negative = !negative;
    s = s.slice(1);
    first = s.charAt(0);
  }
  if (CURRENCY.has(first)) {
    currency = first;
    s = s.slice(1).trimStart();
    first = s.charAt(0);
    if (first === '-' && !negative) {
      negative = true;
      s = s.slice(1);
    }
  } else if (s.length > 1 && CURRENCY.has(s.charAt(s.length - 1))) {
    currency = s.charAt(s.length - 1);
    s = s.slice(0, -1).trimEnd();
  }
  if (percent && currency) return null;
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?(?:[eE]([+-]?\d{1,3}))?$/.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  const whole = m[1] ?? '0';
  const thousands = whole.includes(',');
  const digits = thousands ? whole.replace(/,/g, '') : whole;
  if (digits.length > 1 && digits.charCodeAt(0) === 48) return null;
  const fraction = m[2];
  const exponent = m[3];
  if (exponent !== undefined && thousands) return null;
  let value = digits;
  if (fraction !== undefined) value += `.${fraction}`;
  if (exponent !== undefined) value += `e${exponent}`;
  if (negative && /[1-9]/.test(value.replace(/e.*$/, ''))) value = `-${value}`;
  const kind: NumberKind = exponent !== undefined ? 'float' : fraction !== undefined ? 'decimal' : 'integer';
  return { value, kind, thousands, percent, currency };
}

const INT4_MAX = '2147483647';
const INT8_MAX = '9223372036854775807';

function fits(digits: string, max: string): boolean {
  if (digits.length !== max.length) return digits.length < max.length;
  return digits <= max;
}

/** The narrowest integer width holding an integer's canonical text: 0 int4, 1 int8, 2 numeric. */
export function integerWidth(value: string): 0 | 1 | 2 {
  const neg = value.charCodeAt(0) === 45;
  const digits = neg ? value.slice(1) : value;
  // -2^31 and -2^63 fit one more in magnitude; the difference does not matter for choosing a width
  if (fits(digits, INT4_MAX) || (neg && digits === '2147483648')) return 0;
  if (fits(digits, INT8_MAX) || (neg && digits === '9223372036854775808')) return 1;
  return 2;
}

export { isDigit };

const EURO = /^([-+]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;

/**
 * A number written with a decimal comma (`1.234,5`, `0,25`): canonical text, or null. Only used
 * for a column where the usual reading fails, so `1,234` stays one thousand two hundred and
 * thirty-four everywhere else.
 */
export function parseDecimalComma(text: string): string | null {
  const m = EURO.exec(text);
  if (!m) return null;
  const whole = m[2]!.replace(/\./g, '');
  if (whole.length > 1 && whole.charCodeAt(0) === 48) return null;
  const value = m[3] === undefined ? whole : `${whole}.${m[3]}`;
  return m[1] === '-' ? `-${value}` : value;
}
