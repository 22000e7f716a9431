/**
 * A suggested table name from a file, ZIP member or sheet name: lower_snake, with dates, periods
 * and version marks removed as whole tokens only (`marital` and `age_18_24` stay as they are).
 */
import { MONTHS } from './infer/date.js';
import { snakeCase, shorten } from './naming.js';
import { baseName, stripExtensions, tokenize, type Token } from './tokens.js';

function isYearToken(t: Token | undefined): boolean {
  return !!t?.digits && t.text.length === 4 && Number(t.text) >= 1990 && Number(t.text) <= 2100;
}

function isDateToken(t: Token): boolean {
  if (!t.digits) return false;
  if (t.text.length === 8 || t.text.length === 6) {
    const y = Number(t.text.slice(0, 4));
    const m = Number(t.text.slice(4, 6));
    return y >= 1990 && y <= 2100 && m >= 1 && m <= 12;
  }
  return isYearToken(t);
}

/** Indexes of tokens that are dates, periods or versions. */
function removable(tokens: readonly Token[]): Set<number> {
  const drop = new Set<number>();
  tokens.forEach((t, i) => {
    if (isDateToken(t)) {
      drop.add(i);
      // the month/day or financial-year tail after a year: 2025-11-30, 2025-26, 2020_21
      for (let k = i + 1; k <= i + 2; k++) {
        const n = tokens[k];
        if (n?.digits && n.text.length <= 2 && !n.glued && isYearToken(t)) drop.add(k);
        else break;
      }
    }
    if (MONTHS[t.lower] !== undefined) {
      const next = tokens[i + 1];
      const prev = tokens[i - 1];
      if ((next?.digits && (next.text.length === 2 || next.text.length === 4)) || isYearToken(prev)) {
        drop.add(i);
        if (next?.digits && next.text.length === 2) drop.add(i + 1);
      }
    }
    // quarters: `Q2` is tokenised as `q` + `2`
    const quarterDigit = tokens[i + 1];
    if (t.lower === 'q' && quarterDigit?.glued && /^[1-4]$/.test(quarterDigit.text)) {
      if (isYearToken(tokens[i + 2]) || isYearToken(tokens[i - 1])) {
        drop.add(i);
        drop.add(i + 1);
      }
    }
    // version marks: v2, v2_1, rev3, final, draft, copy
    if (/^(v|rev|version)$/.test(t.lower) && tokens[i + 1]?.digits) {
      drop.add(i);
      drop.add(i + 1);
      const minor = tokens[i + 2];
      if (minor?.digits && minor.text.length <= 2 && !minor.glued && minor.sep === '.') drop.add(i + 2);
    }
    if (/^v\d+$/.test(t.lower)) drop.add(i);
    if (['final', 'draft', 'copy', 'latest'].includes(t.lower) && i > 0) drop.add(i);
  });
  // the first month of a range (`April to June 2025`, `Jan-Mar_2026`) goes with the last
  for (let i = tokens.length - 2; i >= 0; i--) {
    if (MONTHS[tokens[i]!.lower] === undefined || drop.has(i)) continue;
    const k = tokens[i + 1]!.lower === 'to' ? i + 2 : i + 1;
    if (drop.has(k) && MONTHS[tokens[k]!.lower] !== undefined) for (let j = i; j < k; j++) drop.add(j);
  }
  return drop;
}

/** `airports_20241201.csv` → `airports`; `customer-data.csv` → `customer_data`. */
export function tableNameFrom(name: string): string {
  const stem = stripExtensions(baseName(name));
  const tokens = tokenize(stem);
  const drop = removable(tokens);
  // rebuild from kept tokens, re-inserting separators so `age_18_24` stays `age_18_24`
  const kept = tokens.filter((_, i) => !drop.has(i));
  let text = '';
  for (const t of kept) text += (text === '' ? '' : t.glued ? '' : '_') + t.text;
  const snake = snakeCase(text.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  const fallback = snakeCase(stem.toLowerCase());
  let result = snake || fallback || 'table';
  if (/^[0-9]/.test(result)) result = `t_${result}`;
  return shorten(result);
}
