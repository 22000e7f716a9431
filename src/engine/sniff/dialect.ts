/**
 * Which delimiter, quote, escape and comment convention a text uses, chosen the way DuckDB's
 * dialect_detection.cpp does: parse a bounded sample with every candidate and keep the one whose
 * rows agree best on a field count. Rules, in order of weight:
 * 1. a candidate that splits rows into more than one field beats one that does not;
 * 2. more rows sharing the most common field count (the table's width) is better, so preamble
 *    and footer lines cost little but a delimiter that also occurs inside values costs a lot;
 * 3. on a tie, fewer disagreeing rows (comment lines taken out);
 * 4. on a tie, fewer closing quotes followed by more text (`"a \\"b"` read with doubled quotes),
 *    then the wider table (`,` over `:` in `12:30,a,b`);
 * 5. on a tie, the standard quote `"` and doubled-quote escaping win over rarer conventions.
 */
import type { Dialect } from '../table-spec.js';
import { parseText } from '../read/csv.js';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
/** Tried only when no common delimiter splits the rows: `:` also occurs in every time value. */
export const RARE_DELIMITERS = [':', '^', '~'] as const;
const QUOTES = ['"', "'", null] as const;

/** Characters of sample the dialect is chosen on (the whole head is parsed later with the winner). */
const DIALECT_SAMPLE_CHARS = 256 * 1024;
const DIALECT_SAMPLE_ROWS = 2000;

export interface DialectGuess {
  readonly dialect: Dialect;
  /** the table's width: most common field count among the sample's rows */
  readonly width: number;
  /** share of non-blank sample rows with that width */
  readonly consistency: number;
}

interface Scored {
  dialect: Dialect;
  width: number;
  consistent: number;
  rows: number;
  quoted: number;
  strayQuotes: number;
  rank: number;
}

/** Cut the sample at a line end so the last, cut-off line does not count against anyone. */
function boundedSample(text: string): string {
  let s = text.length > DIALECT_SAMPLE_CHARS ? text.slice(0, DIALECT_SAMPLE_CHARS) : text;
  let lines = 0;
  let i = -1;
  while (lines < DIALECT_SAMPLE_ROWS && (i = s.indexOf('\n', i + 1)) >= 0) lines++;
  if (i > 0 && lines >= DIALECT_SAMPLE_ROWS) s = s.slice(0, i + 1);
  return s;
}

export function detectLineTerminator(text: string): Dialect['lineTerminator'] {
  let crlf = 0;
  let cr = 0;
  let lf = 0;
  const n = Math.min(text.length, DIALECT_SAMPLE_CHARS);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10) lf++;
  }
  const kinds = (crlf > 0 ? 1 : 0) + (cr > 0 ? 1 : 0) + (lf > 0 ? 1 : 0);
  if (kinds > 1) return 'mixed';
  if (crlf > 0) return '\r\n';
  if (cr > 0) return '\r';
  return '\n';
}

function score(sample: string, dialect: Dialect, final: boolean): Scored {
  const { fields, strayQuotes } = parseText(sample, dialect, final);
  const counts = new Map<number, number>();
  let rows = 0;
  let quoted = 0;
  for (const f of fields) {
    if (f.length === 1 && f[0] === '') continue;
    rows++;
    // a trailing delimiter (`a,b,c,`) does not make a row wider
    const width = f.length > 1 && f[f.length - 1] === '' ? f.length - 1 : f.length;
    counts.set(width, (counts.get(width) ?? 0) + 1);
    counts.set(f.length, (counts.get(f.length) ?? 0) + (width === f.length ? 0 : 1));
  }
  let width = 1;
  let consistent = 0;
  for (const [w, c] of counts) {
    if (c > consistent || (c === consistent && w > width)) {
      width = w;
      consistent = c;
    }
  }
  if (dialect.quote) {
    const q = dialect.quote;
    const d = dialect.delimiter;
    for (let i = sample.indexOf(q); i >= 0 && quoted < 1000; i = sample.indexOf(q, i + 1)) {
      const before = i === 0 ? '\n' : sample.charAt(i - 1);
      if (before === d || before === '\n' || before === '\r') quoted++;
    }
  }
  return { dialect, width, consistent, rows, quoted, strayQuotes, rank: 0 };
}

function better(a: Scored, b: Scored): boolean {
  const aMulti = a.width > 1 ? 1 : 0;
  const bMulti = b.width > 1 ? 1 : 0;
  if (aMulti !== bMulti) return aMulti > bMulti;
  if (a.consistent !== b.consistent) return a.consistent > b.consistent;
  // the same rows agree, but fewer rows disagree (comment lines taken out)
  if (a.rows !== b.rows) return a.rows < b.rows;
  if (a.strayQuotes !== b.strayQuotes) return a.strayQuotes < b.strayQuotes;
  if (a.width !== b.width) return a.width > b.width;
  return a.rank < b.rank;
}

/**
 * Choose the dialect of `text` (a decoded head sample; `whole` when it is the entire file).
 * `fixed` pins parts the caller knows (e.g. a `.tsv` name does not pin anything: content decides).
 */
export function detectDialect(text: string, whole: boolean, fixed: Partial<Dialect> = {}): DialectGuess {
  const sample = boundedSample(text);
  const final = whole && sample.length === text.length;
  const lineTerminator = fixed.lineTerminator ?? detectLineTerminator(text);
  const hasHashLines = /(^|[\r\n])#/.test(sample);
  const hasBackslashQuote = /\\["']/.test(sample);
  const quotes = fixed.quote !== undefined ? [fixed.quote] : QUOTES;
  const comments: (string | null)[] = hasHashLines ? [null, '#'] : [null];
  const escapesFor = (q: string | null): (string | null)[] =>
    q === null ? [null] : hasBackslashQuote ? [null, '\\'] : [null];

  const pick = (delims: readonly string[]): Scored => {
    let quoted: Scored | null = null;
    let unquoted: Scored | null = null;
    let rank = 0;
    for (const delimiter of delims) {
      for (const quote of quotes) {
        for (const escape of escapesFor(quote)) {
          for (const comment of comments) {
            const s = score(sample, { delimiter, quote, escape, lineTerminator, comment }, final);
            // a rarer quote nobody uses is the same as no quote at all
            if (quote !== null && quote !== '"' && s.quoted === 0) continue;
            // an unused comment convention ranks below none
            s.rank = rank++ + (comment ? 500 : 0);
            if (quote === null) {
              if (!unquoted || better(s, unquoted)) unquoted = s;
            } else if (!quoted || better(s, quoted)) quoted = s;
          }
        }
      }
    }
    // Reading without quotes wins only by a wide margin: splitting `"1,000"` at its comma makes
    // wide, consistent-looking rows out of quoted values.
    if (!quoted) return unquoted!;
    if (!unquoted) return quoted;
    const clearlyBetter =
      better(unquoted, quoted) &&
      unquoted.consistent > quoted.consistent * 1.5 &&
      unquoted.consistent - quoted.consistent > 2;
    return clearlyBetter || (quoted.quoted === 0 && better(unquoted, quoted)) ? unquoted : quoted;
  };
  const common = fixed.delimiter ? [fixed.delimiter] : DELIMITERS.filter((d) => sample.includes(d));
  let b = pick(common.length > 0 ? common : [',']);
  if (!fixed.delimiter && b.width <= 1) {
    const rare = RARE_DELIMITERS.filter((d) => sample.includes(d));
    if (rare.length > 0) {
      const r = pick(rare);
      if (r.width > 1 && r.rows > 0 && r.consistent / r.rows >= 0.9) b = r;
    }
  }
  const dialect: Dialect = b.dialect;
  return { dialect, width: b.width, consistency: b.rows === 0 ? 0 : b.consistent / b.rows };
}
