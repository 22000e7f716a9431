/**
 * Post-load duplicate detection: after load-batch, row hashes reveal rows repeated across
 * periods — a publication that restates months of history every month, loaded with `append` or
 * a per-period `replace`. The report warns and suggests the right mode; it changes nothing (the
 * user edits the manifest and reloads with --force).
 */
import type pg from 'pg';
import { formatCount } from '../../format.js';
import { estimatedRows, periodRepeats, type PeriodRepeats } from '../../warehouse/queries/duplicates.js';
import { insertValidationResults } from '../../warehouse/queries/validation.js';
import { classifyLoadMode, type LoadModeVerdict } from './load-mode.js';

export interface DuplicateReport {
  readonly sourceCode: string;
  readonly table: string;
  readonly mode: string;
  readonly periods: readonly PeriodRepeats[];
  readonly rows: number;
  readonly repeatedRows: number;
  /** repeatedRows / rows */
  readonly share: number;
  readonly suggestion: LoadModeVerdict;
  readonly message: string;
}

/** Below this share of repeated rows, repeats are taken as coincidence (e.g. all-zero rows). */
export const DUPLICATE_WARN_SHARE = 0.2;

/**
 * Null when the table has under two periods, too few repeats to matter, or more rows than
 * `maxRows` (hashing every row of a huge table is left to an explicit check).
 */
export async function detectDuplicates(
  db: pg.Pool | pg.ClientBase,
  sourceCode: string,
  schema: string,
  table: string,
  mode: string,
  maxRows = Number.POSITIVE_INFINITY,
): Promise<DuplicateReport | null> {
  if ((await estimatedRows(db, schema, table)) > maxRows) return null;
  const periods = await periodRepeats(db, schema, table);
  if (!periods || periods.length < 2) return null;
  const rows = periods.reduce((n, p) => n + p.rows, 0);
  const repeatedRows = periods.reduce((n, p) => n + p.repeated, 0);
  const share = rows ? repeatedRows / rows : 0;
  if (share < DUPLICATE_WARN_SHARE) return null;
  const suggestion = classifyLoadMode(sourceCode, [], { duplicateShare: share, periods: periods.length });
  const worst = [...periods].sort((a, b) => b.repeated / (b.rows || 1) - a.repeated / (a.rows || 1))[0]!;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const message =
    `${schema}.${table}: ${formatCount(repeatedRows)} of ${formatCount(rows)} rows (${pct(share)}) ` +
    `repeat a row of an earlier period (period ${worst.period}: ${pct(worst.repeated / (worst.rows || 1))}); ` +
    `loaded with ${mode}. ${suggestion.reason}. Suggested: load_mode: ${suggestion.mode} ` +
    `(confidence ${suggestion.confidence}) for source ${sourceCode} in the manifest, then load-batch --force --only ${sourceCode}. Nothing was changed.`;
  return {
    sourceCode,
    table: `${schema}.${table}`,
    mode,
    periods,
    rows,
    repeatedRows,
    share,
    suggestion,
    message,
  };
}

/** Keep the warning with the load that revealed it, where `history` and the dashboards see it. */
export async function recordDuplicateWarning(
  pool: pg.Pool,
  loadId: string,
  report: DuplicateReport,
): Promise<void> {
  const client = await pool.connect();
  try {
    await insertValidationResults(client, loadId, report.sourceCode, [
      {
        validation_type: 'quality',
        check_name: 'duplicates_across_periods',
        status: 'warn',
        message: report.message,
        details: {
          rows: report.rows,
          repeated_rows: report.repeatedRows,
          periods: report.periods,
          suggested_mode: report.suggestion.mode,
          confidence: report.suggestion.confidence,
        },
      },
    ]);
  } finally {
    client.release();
  }
}
