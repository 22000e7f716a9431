import fs from 'node:fs';
import type pg from 'pg';
import { detectFile, readTableBatches, refineTable, TypeMisfit } from '../../engine/index.js';
import type { DetectOptions } from '../../engine/api.js';
import type { FileSpec, TableSpec } from '../../engine/table-spec.js';
import { DatawarpError } from '../../errors.js';
import { upsertReferenceConfig } from '../../warehouse/queries/watch-config.js';
import { finishLoadEvent, releaseLoadLock, startLoadEvent } from '../../warehouse/queries/load-events.js';
import {
  listTableColumns,
  lockTableForLoad,
  registeredSourceOf,
} from '../../warehouse/queries/watch-tables.js';
import {
  findProcessedHash,
  finishRow,
  holdForReview,
  lockClaimedRow,
  recordDetection,
  unclaimRow,
  type Detected,
  type TrackingRow,
} from '../../warehouse/queries/watch-tracking.js';
import { isDatabaseDown } from './db-down.js';
import { sha256File } from '../../engine/read/sha256.js';
import { applyHeaderRow } from './header-row.js';
import type { ErrorReport } from './error-report.js';
import { failFile } from './fail-file.js';
import { loadEvent } from './load-event.js';
import { MoveFailed, moveFile, outcomePath } from './moves.js';
import { proposeSettings, type ReviewChanges } from './review-settings.js';
import { chooseTable, type TableChoice } from './table-match.js';
import { tableNameForFile } from './table-name.js';
import { loadIntoTable, type TableLoadResult } from './table-load.js';
import { targetSchema } from './tree.js';

/**
 * One claimed file, start to finish: hash, detect, choose the table, then either hold it for
 * review, recognise a duplicate, or load it — all database changes in one transaction, with the
 * tracking row locked for its length — and finally move the file to `processed/` or `error/`.
 * The file's bytes are never changed; a failed file leaves the database as it was.
 */

export interface ProcessContext {
  readonly pool: pg.Pool;
  /** who holds the claim (host:pid:random), written to the tracking row */
  readonly claimant: string;
  /** hold detected files for `watch approve` instead of loading */
  readonly review: boolean;
  readonly keepBackups: number;
  /** aborted on SIGINT/SIGTERM: the current load rolls back and the file stays in place */
  readonly signal: AbortSignal;
  readonly user: string;
}

interface Base {
  readonly id: string;
  readonly file: string;
}

export type FileOutcome =
  | (Base & {
      readonly kind: 'processed';
      readonly movedTo: string;
      readonly schema: string;
      readonly table: string;
      readonly choice: TableChoice;
      readonly loadId: string;
      readonly load: TableLoadResult;
    })
  | (Base & {
      readonly kind: 'duplicate';
      readonly movedTo: string;
      readonly schema: string;
      readonly table: string;
      readonly duplicateOf: string;
    })
  | (Base & {
      readonly kind: 'error';
      readonly movedTo: string;
      readonly report: ErrorReport;
    })
  | (Base & { readonly kind: 'review'; readonly proposed: unknown })
  /** the file stays where it is and will be tried again */
  | (Base & {
      readonly kind: 'released';
      readonly reason: 'cancelled' | 'database' | 'claim lost' | 'file gone';
    });

export async function processClaimed(
  ctx: ProcessContext,
  row: TrackingRow,
  changes: ReviewChanges | null = null,
): Promise<FileOutcome> {
  const id = row.id;
  const file = row.file_path;
  const back = changes ? 'review' : 'waiting';
  const schema = changes?.schema ?? targetSchema(row.is_reference_data);
  let detected: Detected | null = null;
  let loadId: string | null = null;
  let client: pg.PoolClient | null = null;
  let inTransaction = false;
  // after the commit the load stands: a later failure (the move) is reported, never an error/ file
  let committed = false;

  if (!fs.existsSync(file)) {
    await unclaimRow(ctx.pool, id, ctx.claimant, back);
    return { kind: 'released', id, file, reason: 'file gone' };
  }
  try {
    // lock the row first: a long hash or detection of a big file must not look like a dead claim
    client = await ctx.pool.connect();
    // a connection lost mid-COPY also fails the COPY; without a listener it would crash the process
    client.on('error', ignoreConnectionError);
    await client.query('BEGIN');
    inTransaction = true;
    if (!(await lockClaimedRow(client, id, ctx.claimant))) {
      await client.query('ROLLBACK');
      inTransaction = false;
      return { kind: 'released', id, file, reason: 'claim lost' };
    }
    const hash = await sha256File(file);
    // what is known so far, for the error report if detection fails
    detected = { hash, format: null, encoding: null, delimiter: null, headers: null, schema, table: null };
    let spec = await detectFile(file, detectOptions(row, changes));
    let tableSpec = pickTable(spec, changes?.tableId ?? null, file);
    if (changes?.headerRow)
      ({ spec, table: tableSpec } = await applyHeaderRow(file, spec, tableSpec, changes.headerRow));
    detected = {
      hash,
      format: spec.format,
      encoding: spec.encoding,
      delimiter: spec.dialect?.delimiter ?? null,
      headers: tableSpec.columns.map((c) => c.header),
      schema,
      table: null,
    };

    const choice: TableChoice = changes?.table
      ? { kind: 'reviewer', table: changes.table }
      : chooseTable(
          tableNameForFile(row.file_name),
          tableSpec.columns.map((c) => c.name),
          await listTableColumns(client, schema),
        );
    const table = choice.table;
    detected = { ...detected, table };
    const source = await registeredSourceOf(client, schema, table);
    if (source) {
      throw new DatawarpError(
        'SCHEMA_FORBIDDEN',
        `${schema}.${table} is the table of registered source ${source}`,
        {
          file,
          hint: `load it with \`datawarp load FILE --source ${source}\`, or rename the file to load it as another table`,
        },
      );
    }
    await recordDetection(client, id, detected);

    if (ctx.review && !changes) {
      const proposed = proposeSettings(row, spec, tableSpec, schema, choice);
      await holdForReview(client, id, ctx.claimant, proposed);
      await client.query('COMMIT');
      inTransaction = false;
      return { kind: 'review', id, file, proposed };
    }

    // loads into one table queue here, so two watchers cannot both miss the other's duplicate
    await lockTableForLoad(client, schema, table);
    const earlier = await findProcessedHash(client, schema, table, hash, row.load_type === 'fullload');
    if (earlier) {
      const movedTo = outcomePath(file, 'processed');
      await finishRow(client, id, {
        status: 'duplicate',
        movedTo,
        errorMessage: `same content as ${earlier.file_name} (tracking #${earlier.id}), already loaded into ${schema}.${table}`,
      });
      await client.query('COMMIT');
      inTransaction = false;
      committed = true;
      moveAfterCommit(file, movedTo);
      return { kind: 'duplicate', id, file, movedTo, schema, table, duplicateOf: earlier.id };
    }

    loadId = await startLoadEvent(client, loadEvent(ctx, row, spec, tableSpec, schema, table, hash));
    await client.query('SAVEPOINT load_rows');
    const load = (t: TableSpec) =>
      loadIntoTable(client!, {
        schema,
        table: choice.table,
        loadType: row.load_type,
        reference: row.is_reference_data,
        fileSpec: spec,
        tableSpec: t,
        batches: readTableBatches(file, spec, t.id, { values: 'typed', signal: ctx.signal }),
        loadId: loadId!,
        sourceFile: row.file_name,
        keepBackups: ctx.keepBackups,
        signal: ctx.signal,
      });
    let result: TableLoadResult;
    let loaded: TableSpec = tableSpec;
    try {
      result = await load(tableSpec);
    } catch (err) {
      // the sample's types were too narrow for a later row: type every row, then load again
      if (!isMisfit(err) || ctx.signal.aborted) throw err;
      await client.query('ROLLBACK TO SAVEPOINT load_rows');
      loaded = await refineTable(file, spec, tableSpec.id);
      result = await load(loaded);
    }
    await finishLoadEvent(client, loadId, {
      load_status: 'completed',
      rows_loaded: result.rows,
      source_rows: loaded.rowCount,
      rows_deleted: result.rowsReplaced,
      columns_added: result.columnsAdded,
      columns_widened: result.columnsWidened,
      columns_missing: result.columnsMissing,
      spec: loaded,
      message: result.backup ? `previous rows backed up to bkp.${result.backup}` : null,
    });
    const configCreated = row.is_reference_data
      ? await upsertReferenceConfig(client, {
          table,
          sourceFile: row.file_name,
          loadType: row.load_type,
          loadId,
        })
      : false;
    const movedTo = outcomePath(file, 'processed');
    await finishRow(client, id, {
      status: 'processed',
      movedTo,
      loadId,
      rowsLoaded: result.rows,
      backupTable: result.backup ? `bkp.${result.backup}` : null,
      referenceConfigInserted: configCreated || row.is_reference_data,
    });
    await client.query('COMMIT');
    inTransaction = false;
    committed = true;
    await releaseLoadLock(client, loadId).catch(() => undefined);
    // After the commit: a crash here leaves the file in place, and the next pass sees a duplicate.
    moveAfterCommit(file, movedTo);
    return { kind: 'processed', id, file, movedTo, schema, table, choice, loadId, load: result };
  } catch (err) {
    if (committed) throw err;
    if (client && inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    if (client && loadId) await releaseLoadLock(client, loadId).catch(() => undefined);
    if (isDatabaseDown(err)) {
      client?.off('error', ignoreConnectionError);
      client?.release(err as Error);
      client = null;
      return { kind: 'released', id, file, reason: 'database' };
    }
    if (ctx.signal.aborted || (err as { code?: string })?.code === 'CANCELLED') {
      await unclaimRow(ctx.pool, id, ctx.claimant, back);
      return { kind: 'released', id, file, reason: 'cancelled' };
    }
    try {
      return await failFile(ctx, row, err, detected, client);
    } catch (err2) {
      if (isDatabaseDown(err2)) return { kind: 'released', id, file, reason: 'database' };
      throw err2;
    }
  } finally {
    client?.off('error', ignoreConnectionError);
    client?.release();
  }
}

function ignoreConnectionError(): void {}

/** The database already says where the file went; if it cannot go there, the watcher retries the move. */
function moveAfterCommit(file: string, movedTo: string): void {
  try {
    moveFile(file, movedTo);
  } catch (err) {
    throw new MoveFailed(file, movedTo, err);
  }
}

/** A value the sampled types did not foresee: the engine's TypeMisfit, or PostgreSQL refusing it (class 22). */
function isMisfit(err: unknown): boolean {
  if (err instanceof TypeMisfit) return true;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function detectOptions(row: TrackingRow, changes: ReviewChanges | null): DetectOptions {
  return {
    displayName: row.file_name,
    ...(changes?.sheet ? { sheet: changes.sheet } : {}),
    // a given header row is applied to a headerless detection (header-row.ts)
    ...(changes?.headerless || changes?.headerRow ? { headerless: true } : {}),
  };
}

/** The table to load: the one asked for, else the first data table of the file. */
function pickTable(spec: FileSpec, tableId: string | null, file: string): TableSpec {
  const data = spec.tables.filter((t) => t.kind === 'data');
  if (tableId) {
    const t = spec.tables.find((x) => x.id === tableId);
    if (!t)
      throw new DatawarpError('NO_TABLE', `the file has no table ${tableId}`, {
        file,
        hint: `tables found: ${spec.tables.map((x) => x.id).join(', ') || 'none'}`,
      });
    return t;
  }
  const first = data[0];
  if (!first) {
    throw new DatawarpError('NO_TABLE', 'no table of data found in the file', {
      file,
      hint: 'check the file opens and has a header row and at least one data row',
    });
  }
  return first;
}
