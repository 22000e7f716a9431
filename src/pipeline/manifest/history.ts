/**
 * Evidence from earlier loads for the load-mode classifier: how many of a source's loaded rows
 * repeat a row of an earlier period. Read-only.
 */
import type pg from 'pg';
import { periodRepeats } from '../../warehouse/queries/duplicates.js';
import { getSource } from '../../warehouse/queries/sources.js';
import type { LoadHistory } from './load-mode.js';

/** Null when the source is unknown or its table holds fewer than two periods. */
export async function loadHistoryOf(db: pg.Pool | pg.ClientBase, code: string): Promise<LoadHistory | null> {
  const source = await getSource(db, code);
  if (!source) return null;
  const periods = await periodRepeats(db, source.schema_name, source.table_name);
  if (!periods || periods.length < 2) return null;
  const rows = periods.reduce((n, p) => n + p.rows, 0);
  const repeated = periods.reduce((n, p) => n + p.repeated, 0);
  return { duplicateShare: rows ? repeated / rows : 0, periods: periods.length };
}
