import { LINEAGE_COLUMNS } from '../../engine/naming.js';

/**
 * Which existing table a dropped file belongs to. A table of the file's own name is that table;
 * otherwise the table whose columns match the file's best, when at least 70 % of the columns of
 * the larger of the two match by normalised name; otherwise a new table of the file's name.
 */

export const MATCH_THRESHOLD = 0.7;

export interface ExistingTable {
  readonly table: string;
  readonly columns: readonly string[];
}

export type TableChoice =
  | { readonly kind: 'named'; readonly table: string; readonly exists: true }
  | { readonly kind: 'matched'; readonly table: string; readonly exists: true; readonly score: number }
  | { readonly kind: 'new'; readonly table: string; readonly exists: false; readonly bestScore: number }
  /** named by the reviewer of a held file (`watch approve --table`) */
  | { readonly kind: 'reviewer'; readonly table: string };

const LINEAGE = new Set<string>(LINEAGE_COLUMNS);

/**
 * Share of columns two lists have in common, 0..1: matches over the longer list, so a two-column
 * file does not "match" a twenty-column table. datawarp's lineage columns are not counted.
 */
export function columnMatchScore(fileColumns: readonly string[], tableColumns: readonly string[]): number {
  const file = new Set(fileColumns.filter((c) => !LINEAGE.has(c)));
  const table = new Set(tableColumns.filter((c) => !LINEAGE.has(c)));
  const larger = Math.max(file.size, table.size);
  if (larger === 0) return 0;
  let common = 0;
  for (const c of file) if (table.has(c)) common++;
  return common / larger;
}

export function chooseTable(
  nameFromFile: string,
  fileColumns: readonly string[],
  existing: readonly ExistingTable[],
  threshold = MATCH_THRESHOLD,
): TableChoice {
  if (existing.some((t) => t.table === nameFromFile))
    return { kind: 'named', table: nameFromFile, exists: true };
  let best: { table: string; score: number } | null = null;
  for (const t of existing) {
    const score = columnMatchScore(fileColumns, t.columns);
    // ties go to the alphabetically first table, so the choice does not depend on query order
    if (!best || score > best.score || (score === best.score && t.table < best.table))
      best = { table: t.table, score };
  }
  if (best && best.score >= threshold)
    return { kind: 'matched', table: best.table, exists: true, score: best.score };
  return { kind: 'new', table: nameFromFile, exists: false, bestScore: best?.score ?? 0 };
}
