import type pg from 'pg';
import { shorten } from '../../engine/naming.js';
import {
  copyTableToBackup,
  dropBackup,
  listBackups,
  tableExists,
} from '../../warehouse/queries/watch-tables.js';

/**
 * Before a full reload replaces a reference table, its rows are copied to
 * `bkp.<table>_<yyyymmdd>_<hhmmss>`; only the newest `keep` backups of a table are kept.
 */

/** The name prefix of a table's backups, short enough to leave room for the time stamp. */
export function backupPrefix(table: string): string {
  return shorten(table, 63 - '_20261122_031500_99'.length);
}

export function backupName(table: string, at: Date): string {
  const iso = at.toISOString();
  return `${backupPrefix(table)}_${iso.slice(0, 10).replace(/-/g, '')}_${iso.slice(11, 19).replace(/:/g, '')}`;
}

export interface BackupResult {
  readonly backup: string;
  readonly rows: number;
  readonly dropped: readonly string[];
}

/** Copy the table to `bkp` and prune old backups, inside the caller's transaction. */
export async function backupTable(
  client: pg.ClientBase,
  schema: string,
  table: string,
  keep: number,
  at: Date = new Date(),
): Promise<BackupResult> {
  let backup = backupName(table, at);
  for (let n = 2; await tableExists(client, 'bkp', backup); n++) backup = `${backupName(table, at)}_${n}`;
  const rows = await copyTableToBackup(client, schema, table, backup);
  const all = await listBackups(client, backupPrefix(table));
  const dropped = all.slice(0, Math.max(0, all.length - Math.max(1, keep)));
  for (const old of dropped) await dropBackup(client, old);
  return { backup, rows, dropped };
}
