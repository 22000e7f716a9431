/**
 * Coarse cell classes for structure detection. Finding a table only needs to tell values that
 * look like numbers, dates or booleans from free text; exact types are inference's job
 * (engine/infer). Text grids (CSV samples) hold strings only, so strings are read here too.
 */
import type { Cell } from '../grid.js';
import { SUPPRESSION_MARKERS } from '../infer/markers.js';

export type CellClass = 'empty' | 'number' | 'date' | 'bool' | 'marker' | 'text';

/**
 * Cells that stand for a missing value: the suppression markers inference nulls, plus the
 * "not available" spellings that only matter for layout (they are not data, nor headers).
 */
const MARKERS = new Set([
  ...SUPPRESSION_MARKERS,
  '.',
  'n/a',
  'na',
  'n.a.',
  '#n/a',
  // US statistical abstract style: not available, not applicable, withheld, rounds to zero
  ...['(na)', '(x)', '(d)', '(z)', '(s)', '(b)'],
]);

// A number as people write them: sign or parentheses, currency, thousands separators,
// decimals, exponent, percent. `00123` counts too; inference decides whether it stays text.
const NUMBER = /^[-+(]?\s*[£$€]?\s*((\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\.\d+)([eE][-+]?\d+)?\s*%?\)?$/;
const DATE_PATTERNS = [
  /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
  /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}( \d{1,2}:\d{2}(:\d{2})?)?$/,
  /^\d{1,2}[ -]?[A-Za-z]{3,9}[ -]?\d{2,4}$/,
  /^[A-Za-z]{3,9}[ -]\d{2,4}$/,
  /^\d{4}\/\d{1,2}\/\d{1,2}$/,
];
// a time of day or a duration (`7:12`, `12:00:00 AM`, `00:00.0`): a value, like a date
const TIME = /^\d{1,2}:\d{2}(:\d{2})?(\.\d+)?(\s?[AP]M)?$/i;
const MONTHS = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;
const BOOLS = new Set(['true', 'false']);

export function classifyText(raw: string): CellClass {
  const t = raw.trim();
  if (t === '') return 'empty';
  const lower = t.toLowerCase();
  if (MARKERS.has(lower)) return 'marker';
  if (BOOLS.has(lower)) return 'bool';
  if (/\d/.test(t) && NUMBER.test(t)) return 'number';
  if (TIME.test(t)) return 'date';
  for (const p of DATE_PATTERNS) {
    if (!p.test(t)) continue;
    // `12 Parks 2020` is not a date: word-month forms need a real month name
    const word = t.match(/[A-Za-z]{3,9}/)?.[0];
    if (word && !MONTHS.test(word)) continue;
    return 'date';
  }
  return 'text';
}

export function classifyCell(cell: Cell | undefined): CellClass {
  if (!cell) return 'empty';
  switch (cell.kind) {
    case 'empty':
      return 'empty';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'boolean':
      return 'bool';
    case 'error':
      return 'marker';
    case 'string':
      return classifyText(cell.text);
    default: {
      const never: never = cell.kind;
      return never;
    }
  }
}

export const isValueClass = (c: CellClass): boolean => c === 'number' || c === 'date' || c === 'bool';

/**
 * A note, not a header or a value: prose such as `Notes: 1. Due to disclosure...` that
 * publishers put in a (often merged) cell beside or above a table. It must never become part of
 * a column name.
 */
export function isNoteText(text: string): boolean {
  const t = text.trim();
  if (/^(notes?|source|sources|footnotes?)\b\s*[:.\d]/i.test(t)) return true;
  if (/^\*?\s*note\b/i.test(t) && t.length > 30) return true;
  // `* No data for ...`: an asterisked remark, not a value
  if (/^\*+\s+\S/.test(t) && t.length > 30) return true;
  // a paragraph over several lines; a long single-line description in a table is data
  return t.length > 60 && /\n.*\n/.test(t);
}
