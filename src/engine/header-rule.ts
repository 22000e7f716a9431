/**
 * Headers that fit the body's types. DuckDB's rule (the first row is a header when it does not fit
 * the types of the rows below) misses a header of years over counts: `Org,2023,2024` over
 * `A01,12,15` fits integer columns. Publications head columns with years all the time, so a first
 * row is also a header when its numbers read as years over columns whose values do not, and its
 * text cells read as labels over their columns.
 *
 * The false positive to avoid is a headerless file whose first record happens to hold a year
 * (`A01,2023` over `A02,1500`): the first row's text must differ in kind from its column (`Org`
 * over codes), unless two or more distinct years head columns that hold no years at all.
 */
import { classifyText } from './structure/cell-class.js';

/**
 * A year 1900-2100 written as a number, or a month as YYYYMM (`202311`), optionally with a note
 * mark (`2023 [note 2]`).
 */
function yearOf(text: string): number | null {
  const t = text.replace(/\s*\[[^\]]*\]$/, '').trim();
  const m = /^(\d{4})((0[1-9]|1[0-2]))?$/.exec(t);
  if (!m) return null;
  const y = Number(m[1]);
  return y >= 1900 && y <= 2100 ? y : null;
}

/** `U16464` → `A9`, `Org` → `Aa`, `North West` → `Aa Aa`: the kind of text, not its content. */
export function textShape(text: string): string {
  return text
    .replace(/[A-Z]/g, 'A')
    .replace(/[a-z]/g, 'a')
    .replace(/[0-9]/g, '9')
    .replace(/(.)\1+/g, '$1');
}

function modalShape(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  let n = 0;
  for (const v of values) {
    const s = textShape(v);
    const c = (counts.get(s) ?? 0) + 1;
    counts.set(s, c);
    if (c > n) [best, n] = [s, c];
  }
  return best;
}

/**
 * Whether `header` (one row's cell texts, trimmed) is a header of years over `body` (each column's
 * cell texts below it, a sample). Years must head columns of values that are mostly not years;
 * at least one text cell must head a text column without repeating in it.
 */
export function isPeriodHeader(header: readonly string[], body: readonly (readonly string[])[]): boolean {
  const named = header.filter((h) => h !== '');
  if (named.length < 2 || named.length < header.length - 1 || new Set(named).size !== named.length)
    return false;
  let years = 0;
  let strictYears = true;
  let labels = 0;
  let distinctLabel = false;
  for (let j = 0; j < header.length; j++) {
    const h = header[j]!;
    if (h === '') continue;
    const values = (body[j] ?? []).map((v) => v.trim()).filter((v) => isValue(v));
    if (yearOf(h) !== null) {
      // the column under a year holds values, few of them years (a column of years is data)
      const numbers = values.filter((v) => classifyText(v) === 'number').length;
      if (values.length === 0 || numbers < values.length / 2) return false;
      const inBody = values.filter((v) => yearOf(v) !== null).length;
      if (inBody >= values.length / 2) return false;
      if (inBody > 0) strictYears = false;
      years++;
      continue;
    }
    const kind = classifyText(h);
    // another number in the row is a data value, not a header
    if (kind === 'number' || kind === 'bool') return false;
    if (kind !== 'text') continue;
    const texts = values.filter((v) => classifyText(v) === 'text');
    if (texts.length < values.length / 2 || values.includes(h)) continue;
    const shape = modalShape(texts);
    const own = textShape(h);
    // a code shaped like the codes below it (`A01` over `A02`) is data, not a label
    if (/9/.test(own) && own === shape) continue;
    labels++;
    // `Org` over `A01`, `A02`: a word over codes reads as a label outright
    if (shape !== undefined && /9/.test(shape) && !/9/.test(own)) distinctLabel = true;
  }
  if (years === 0 || labels === 0) return false;
  return distinctLabel || (years >= 2 && strictYears);
}

function isValue(v: string): boolean {
  const k = classifyText(v);
  return k !== 'empty' && k !== 'marker';
}

/** `isPeriodHeader` for the first of `rows` in a grid read through `text(row, col)`. */
export function isPeriodHeaderRow(
  text: (row: number, col: number) => string,
  rows: readonly number[],
  cols: readonly number[],
): boolean {
  const [first, ...body] = rows;
  if (first === undefined || body.length === 0) return false;
  const sample = body.slice(0, 500);
  return isPeriodHeader(
    cols.map((c) => text(first, c)),
    cols.map((c) => sample.map((r) => text(r, c))),
  );
}
