import { tableNameFrom } from '../../engine/table-name.js';

/**
 * The table a dropped file names: the engine's one rule (dates and version marks stripped on token
 * boundaries, lower_snake): `airports_20241201.csv` → `airports`, `FLIGHT_SCHEDULES.CSV` →
 * `flight_schedules`. The watcher's own tables in `ref` are never a target, so a file named like
 * one is given a suffix rather than written into the tracking table.
 */
export const RESERVED_TABLES: ReadonlySet<string> = new Set(['file_monitor_tracking', 'reference_data_cfg']);

export function tableNameForFile(fileName: string): string {
  const name = tableNameFrom(fileName);
  return RESERVED_TABLES.has(name) ? `${name}_data` : name;
}
