/**
 * The load-mode classifier: from what detection saw in a source's files (and, when there are
 * any, duplicates found in earlier loads) decide how the publication behaves over time and
 * recommend `append` or `replace` (`fullload`: replace the whole table), with a confidence and
 * the reason in words.
 *
 * Patterns (docs/manifests.md):
 * - incremental: each file holds only its own period's rows → append.
 * - time_series_overlapping: each file repeats months of history (e.g. "the most recent month and
 *   the previous twenty nine months") → fullload: the latest release replaces the whole table
 *   (a per-period replace would keep every release's copy of the same months).
 * - time_series_wide: periods are columns (Apr-24, May-24, …); each release restates them → fullload.
 * - snapshot: a point-in-time state without dates (list sizes, workforce) → replace.
 * - reference: a lookup or mapping (codes, names) → replace.
 * Pure: no I/O.
 */
import type { FileMode, LoadPattern } from './schema.js';

export interface DateRange {
  /** ISO dates */
  readonly min: string;
  readonly max: string;
  /** distinct calendar months seen */
  readonly months: number;
}

export interface FileObservation {
  /** the file's period (start/end ISO dates), when known */
  readonly period: { readonly code: string; readonly start: string; readonly end: string } | null;
  readonly headers: readonly string[];
  readonly rowCount: number;
  /** span of the table's date columns, from its rows; null when it has none */
  readonly dateRange: DateRange | null;
}

export interface LoadHistory {
  /** share (0..1) of loaded rows whose content also appears under another period */
  readonly duplicateShare: number;
  readonly periods: number;
}

export interface LoadModeVerdict {
  readonly mode: FileMode;
  readonly confidence: number;
  readonly pattern: LoadPattern;
  readonly reason: string;
}

const REFERENCE_NAME =
  /(^|[_\s-])(lookup|look_up|mapping|map|reference|ref|dictionary|codes?|directory)([_\s.-]|$)/i;

/** Classify one source from its files (and earlier loads, if any). */
export function classifyLoadMode(
  sourceName: string,
  files: readonly FileObservation[],
  history?: LoadHistory,
): LoadModeVerdict {
  if (history && history.periods > 1 && history.duplicateShare >= 0.2) {
    const pct = Math.round(history.duplicateShare * 100);
    return {
      mode: 'fullload',
      confidence: history.duplicateShare >= 0.5 ? 0.95 : 0.8,
      pattern: 'time_series_overlapping',
      reason: `${pct}% of loaded rows repeat across ${history.periods} periods: each release restates history`,
    };
  }
  if (files.length === 0)
    return { mode: 'replace', confidence: 0.3, pattern: 'unknown', reason: 'no file to look at' };

  const wide = Math.max(...files.map((f) => f.headers.filter(looksLikePeriodLabel).length));
  if (wide >= 3)
    return {
      mode: 'fullload',
      confidence: wide >= 6 ? 0.9 : 0.8,
      pattern: 'time_series_wide',
      reason: `${wide} columns are periods (e.g. ${files[0]!.headers.find(looksLikePeriodLabel)}): each release restates them`,
    };

  // dates only say something about history when the file's own period is known
  const dated = files.filter((f) => f.dateRange && f.period);
  if (dated.length) {
    const overlapping = dated.filter(
      (f) => f.dateRange!.months > 1 && (!f.period || f.dateRange!.min < f.period.start),
    );
    const acrossFiles = filesOverlap(dated);
    if (acrossFiles)
      return {
        mode: 'fullload',
        confidence: 0.95,
        pattern: 'time_series_overlapping',
        reason: 'the dates in different periods\u2019 files overlap: each release repeats history',
      };
    if (overlapping.length) {
      const months = Math.max(...overlapping.map((f) => f.dateRange!.months));
      return {
        mode: 'fullload',
        confidence: months >= 12 ? 0.9 : months >= 3 ? 0.85 : 0.7,
        pattern: 'time_series_overlapping',
        reason: `one file spans ${months} months of dates before its own period: each release repeats history`,
      };
    }
    const within = dated.every((f) => f.dateRange!.months <= 1);
    return {
      mode: 'append',
      confidence: within && dated.every((f) => f.period) ? 0.85 : 0.7,
      pattern: 'incremental',
      reason: 'each file\u2019s dates fall in its own period: new periods add rows',
    };
  }

  if (REFERENCE_NAME.test(sourceName))
    return {
      mode: 'replace',
      confidence: 0.8,
      pattern: 'reference',
      reason: 'no date columns and a lookup-like name: a reference table, replaced when it changes',
    };
  if (files.every((f) => !f.period))
    return {
      mode: 'replace',
      confidence: 0.6,
      pattern: 'reference',
      reason: 'no date columns and no period: a reference table, replaced when it changes',
    };
  return {
    mode: 'replace',
    confidence: 0.6,
    pattern: 'snapshot',
    reason: 'no date columns: each period is a point-in-time snapshot, so a reload replaces its period',
  };
}

function filesOverlap(files: readonly FileObservation[]): boolean {
  const withPeriods = files
    .filter((f) => f.period)
    .sort((a, b) => a.period!.start.localeCompare(b.period!.start));
  for (let i = 1; i < withPeriods.length; i++) {
    const prev = withPeriods[i - 1]!;
    const next = withPeriods[i]!;
    if (prev.period!.code === next.period!.code) continue;
    if (next.dateRange!.min <= prev.dateRange!.max) return true;
  }
  return false;
}

const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec';
const MONTH_NAMES = 'january|february|march|april|may|june|july|august|september|october|november|december';
const PERIOD_LABEL = new RegExp(
  [
    `^(${MONTHS}|${MONTH_NAMES})[\\s_-]*('|20)?\\d{2}$`, // Nov-25, November 2025, Apr_24
    `^(20|19)\\d{2}[\\s_/-]*(0[1-9]|1[0-2])$`, // 2025-11, 202511
    `^(20|19)\\d{2}[\\s_/-]*q[1-4]$`, // 2025 Q1
    `^q[1-4][\\s_/-]*(20|19)\\d{2}(-\\d{2})?$`, // Q1 2025
    `^(fy)?\\s*(20|19)\\d{2}[/-]\\d{2}$`, // 2024/25, FY2024-25
  ].join('|'),
  'i',
);

/** A column header that names a period: `Nov-25`, `November 2025`, `2025-11`, `2024/25`, `Q1 2025`. */
export function looksLikePeriodLabel(header: string): boolean {
  return PERIOD_LABEL.test(header.trim());
}
