/**
 * What the load-mode classifier needs from a detected table: its headers and, from its rows,
 * the span of its date columns. Reads at most `maxRows` rows (typed values, so dates are ISO).
 */
import { readTable, type FileSpec, type TableSpec } from '../../engine/index.js';
import type { DateRange, FileObservation } from './load-mode.js';

const DATE_TYPES = new Set(['date', 'timestamp']);

export async function observeTable(
  path: string,
  spec: FileSpec,
  table: TableSpec,
  period: FileObservation['period'],
  maxRows = 200_000,
): Promise<FileObservation> {
  const headers = table.columns.map((c) => c.header);
  const dateIndexes = table.columns.flatMap((c, i) => (DATE_TYPES.has(c.type) ? [i] : []));
  return {
    period,
    headers,
    rowCount: table.rowCount,
    dateRange: dateIndexes.length ? await dateSpan(path, spec, table, dateIndexes, maxRows) : null,
  };
}

async function dateSpan(
  path: string,
  spec: FileSpec,
  table: TableSpec,
  indexes: readonly number[],
  maxRows: number,
): Promise<DateRange | null> {
  let min: string | null = null;
  let max: string | null = null;
  const months = new Set<string>();
  let n = 0;
  try {
    for await (const row of readTable(path, spec, table.id, { values: 'typed' })) {
      for (const i of indexes) {
        const v = row[i];
        if (!v || !/^\d{4}-\d{2}-\d{2}/.test(v)) continue;
        const day = v.slice(0, 10);
        if (min === null || day < min) min = day;
        if (max === null || day > max) max = day;
        months.add(day.slice(0, 7));
      }
      if (++n >= maxRows) break;
    }
  } catch {
    // a value that does not fit the sampled type: the classifier works without dates
    return null;
  }
  return min && max ? { min, max, months: months.size } : null;
}
