import os from 'node:os';
import type { FileSpec, TableSpec } from '../../engine/table-spec.js';
import type { NewLoadEvent } from '../../warehouse/queries/load-events.js';
import type { TrackingRow } from '../../warehouse/queries/watch-tracking.js';

/**
 * The load event of a dropped file (`datawarp history`). Drop-folder tables are not registered
 * sources, so the event's source is the qualified table, `ref.airports`, which no registered
 * source code can be.
 */
export function loadEvent(
  ctx: { readonly user: string },
  row: TrackingRow,
  spec: FileSpec | null,
  table: TableSpec | null,
  schema: string,
  tableName: string,
  hash: string,
): NewLoadEvent {
  return {
    source_code: `${schema}.${tableName}`,
    target_schema: schema,
    target_table: tableName,
    file_reference: row.file_path,
    file_key: row.file_name,
    file_sha256: hash,
    file_bytes: Number(row.file_size ?? 0),
    table_id: table?.id ?? null,
    period: spec?.period?.code ?? null,
    period_start: spec?.period?.start ?? null,
    period_end: spec?.period?.end ?? null,
    load_mode: row.load_type,
    is_test: false,
    loaded_by: ctx.user,
    pid: process.pid,
    host: os.hostname(),
  };
}
