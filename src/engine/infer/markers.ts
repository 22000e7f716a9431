/**
 * Cell texts that mean "no value". Suppression markers are how statistical publications hide
 * small or confidential counts; they load as null and are counted per column. They only count as
 * suppression in a column whose other values are typed (numbers, dates): in a text column `-`,
 * `c` or `x` are ordinary values, and so is `unknown` everywhere.
 */

export const SUPPRESSION_MARKERS: ReadonlySet<string> = new Set([
  '*',
  '**',
  'c',
  'z',
  'x',
  '[c]',
  '[x]',
  '[z]',
  '[u]',
  '[w]',
  '[low]',
  ':',
  '..',
  '-',
  '–',
  '—',
]);

/** Spellings of a missing value that are not suppression (not counted as `suppressed`). */
export const NULL_TOKENS: ReadonlySet<string> = new Set([
  'null',
  'NULL',
  'Null',
  'NA',
  'N/A',
  'n/a',
  '#N/A',
  'NaN',
  'none',
  'None',
  '#REF!',
  '#VALUE!',
  '#DIV/0!',
]);

/** First characters a marker can start with: a cheap test before the set lookup (hot path). */
function markerStart(c: number): boolean {
  // * c z x [ : . - (and C Z X), en and em dash
  return (
    c === 42 ||
    c === 99 ||
    c === 122 ||
    c === 120 ||
    c === 91 ||
    c === 58 ||
    c === 46 ||
    c === 45 ||
    c === 67 ||
    c === 90 ||
    c === 88 ||
    c === 0x2013 ||
    c === 0x2014
  );
}

export function isSuppressionMarker(text: string): boolean {
  if (text.length > 5 || !markerStart(text.charCodeAt(0))) return false;
  return SUPPRESSION_MARKERS.has(text.length > 1 ? text.toLowerCase() : text);
}

export function isNullToken(text: string): boolean {
  if (text.length > 7) return false;
  const c = text.charCodeAt(0);
  // n, N, # start every spelling
  return (c === 110 || c === 78 || c === 35) && NULL_TOKENS.has(text);
}
