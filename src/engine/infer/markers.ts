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

export function isSuppressionMarker(text: string): boolean {
  return text.length <= 5 && SUPPRESSION_MARKERS.has(text.length > 1 ? text.toLowerCase() : text);
}

export function isNullToken(text: string): boolean {
  return text.length <= 7 && NULL_TOKENS.has(text);
}
