import { createHash } from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import type { TableSpec } from '../../engine/table-spec.js';
import { formatCount } from '../../format.js';
import { describeTable, LINEAGE_COLUMN_DEFS } from '../../warehouse/ddl.js';
import { countDescribed } from '../../warehouse/queries/column-metadata.js';
import {
  failAbandonedLoads,
  finishLoadEvent,
  previousLoadRows,
  releaseLoadLock,
  startLoadEvent,
  type NewLoadEvent,
} from '../../warehouse/queries/load-events.js';
import { heldColumns } from '../../warehouse/queries/schema-changes.js';
import { insertValidationResults } from '../../warehouse/queries/validation.js';
import {
  checkMetadata,
  checkQuality,
  checkRowCount,
  checkSchemaDrift,
  worst,
  type GateResult,
} from '../validate/index.js';
import { isCancellation } from './cancellation.js';
import { ContentHash } from './content-hash.js';
import { describeFailure } from './failure.js';
import { notesFor } from './notes.js';
import { recordColumnMetadata, recordSchemaChanges, recordSuccess, suppressedCells } from './record.js';
import { fileKeyOf, resolveLoadTarget, type LoadTarget } from './target.js';
import type { LoadResult, LoadTableOptions, LoadTimings, TableSource } from './types.js';
import { writeRows } from './write-rows.js';

/**
 * load: one table of one file into its source's table, in one transaction with its audit rows.
 *
 * 1. a committed `in_progress` load event (a crash leaves it; the next load fails it);
 * 2. BEGIN; plan (create / evolve / hold for review), DDL, delete per mode, COPY (write-rows.ts:
 *    the raw path, else the typed reader, re-typing from every row when a value does not fit);
 * 3. validation gates, schema changes, column metadata, metrics, the final load event; COMMIT,
 *    or ROLLBACK when an enforced gate fails (the event and gate results are then kept alone).
 */
export async function loadTable(
  pool: pg.Pool,
  src: TableSource,
  opts: LoadTableOptions,
): Promise<LoadResult> {
  const started = opts.startedAt ?? Date.now();
  const client = await pool.connect();
  try {
    return await loadWithClient(pool, client, src, opts, started);
  } finally {
    client.release();
  }
}

async function loadWithClient(
  pool: pg.Pool,
  client: pg.PoolClient,
  src: TableSource,
  opts: LoadTableOptions,
  started: number,
): Promise<LoadResult> {
  const target = await resolveLoadTarget(client, opts);
  const { schema, table, mode } = target;
  const period = opts.period !== undefined ? opts.period : src.spec.period;
  const fileKey = fileKeyOf(src);
  const content = new ContentHash(src.file);
  await failAbandonedLoads(client, opts.config.load.stale_after_hours);

  const base = {
    sourceCode: opts.sourceCode,
    test: target.source === null,
    schema,
    table,
    file: src.file.name,
    tableId: src.table.id,
    period,
    mode,
  };
  const event: NewLoadEvent = {
    source_code: opts.sourceCode,
    target_schema: schema,
    target_table: table,
    file_reference: src.file.reference,
    file_key: fileKey,
    file_sha256: content.known,
    file_bytes: src.file.bytes,
    table_id: src.table.id,
    period: period?.code ?? null,
    period_start: period?.start ?? null,
    period_end: period?.end ?? null,
    load_mode: mode,
    is_test: target.source === null,
    loaded_by: opts.user,
    pid: process.pid,
    host: os.hostname(),
  };

  if (!opts.force) {
    const skipped = await skipIfLoaded(client, src, content, opts, target, event, base, started);
    if (skipped) return skipped;
  }

  const loadId = await startLoadEvent(client, event);
  let spec: TableSpec = src.table;
  let inTransaction = false;
  try {
    await client.query('BEGIN');
    inTransaction = true;
    // loads of the same table queue up rather than interleave their DDL and deletes
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`datawarp.load:${schema}.${table}`]);
    const { rows: clock } = await client.query<{ now: string; today: string }>(
      'SELECT now()::text AS now, current_date::text AS today',
    );
    // a load of the same file that finished while this one waited for the lock
    if (!opts.force) {
      const skipped = await skipIfLoaded(client, src, content, opts, target, event, base, started, loadId);
      if (skipped) {
        inTransaction = false;
        return skipped;
      }
    }
    const loadedAt = clock[0]!.now;
    const writing = Date.now();
    const today = opts.today ?? clock[0]!.today;
    const existing = await describeTable(client, schema, table);
    const held = target.source
      ? await heldColumns(client, opts.sourceCode)
      : { pending: new Set<string>(), rejected: new Set<string>() };

    const written = await writeRows(client, src, opts, {
      schema,
      table,
      mode,
      period,
      fileKey,
      loadId,
      loadedAt,
      existing,
      held,
      autoApprove: target.source === null,
    });
    spec = written.spec;
    const { plan } = written;
    if (written.sha256) content.learnt(written.sha256);
    const sha256 = await content.get();
    const checking = Date.now();
    if (opts.signal?.aborted) throw opts.signal.reason;

    const who = { sourceCode: opts.sourceCode, loadId, user: opts.user, schema, table };
    const evolve = plan.kind === 'evolve' ? plan : null;
    const added = evolve ? evolve.add.map((c) => c.name) : [];
    const schemaChangeId = target.source ? await recordSchemaChanges(client, who, plan) : null;
    const tableColumns = (await describeTable(client, schema, table))!;
    const dataColumns = tableColumns.filter((c) => !LINEAGE_COLUMN_DEFS.some((l) => l.name === c.name));
    const settings = opts.config.sources[opts.sourceCode];
    if (target.source) await recordColumnMetadata(client, who, plan, tableColumns, settings?.descriptions);

    const vc = opts.config.validation;
    const previous = await previousLoadRows(client, {
      source_code: opts.sourceCode,
      target_schema: schema,
      file_key: fileKey,
      before: loadId,
    });
    const gates: GateResult[] = [
      ...checkRowCount(vc, written.rows, previous),
      ...checkSchemaDrift(vc, {
        added,
        pending: evolve?.newRequest.map((c) => c.name) ?? [],
        widened: evolve?.widen ?? [],
        columns: dataColumns.length,
      }),
      ...(await checkQuality(client, vc, {
        schema,
        table,
        loadId,
        rows: written.rows,
        columns: plan.load.map((c) => ({
          name: c.spec.name,
          type: tableColumns.find((t) => t.name === c.spec.name)?.type ?? c.type,
        })),
        key: settings?.key,
        today,
        profile: written.profile,
        duplicates: written.duplicates,
      })),
      ...(target.source
        ? checkMetadata(
            vc,
            await countDescribed(
              client,
              opts.sourceCode,
              dataColumns.map((c) => c.name),
            ),
            dataColumns.length,
          )
        : []),
    ];
    const status = worst(gates);
    const notes = notesFor(plan, schemaChangeId);
    const suppressed = suppressedCells(spec);
    const outcome = {
      rows_loaded: written.rows,
      source_rows: spec.rowCount,
      rows_suppressed: suppressed,
      rows_deleted: written.deleted,
      columns_added: added,
      columns_widened: evolve?.widen ?? [],
      columns_pending: evolve?.held.map((c) => c.name) ?? [],
      columns_missing: evolve?.missing ?? [],
      validation_status: status,
      spec,
      spec_hash: specHash(spec),
      file_sha256: sha256,
    };
    const result: Omit<LoadResult, 'status' | 'durationMs' | 'timings'> = {
      ...base,
      loadId,
      created: plan.kind === 'create',
      rowsLoaded: written.rows,
      sourceRows: spec.rowCount,
      rowsSuppressed: suppressed,
      rowsDeleted: written.deleted,
      columns: dataColumns.length,
      columnsAdded: added,
      columnsWidened: evolve?.widen ?? [],
      columnsPending: evolve?.held.map((c) => c.name) ?? [],
      columnsRejected: evolve?.rejected.map((c) => c.name) ?? [],
      columnsMissing: evolve?.missing ?? [],
      schemaChangeId,
      refined: written.refined,
      readPath: written.path,
      validation: gates,
      validationStatus: status,
      validationEnforced: target.enforce,
      notes,
    };

    const committing = Date.now();
    const finished = () => elapsed(started, [writing, checking, committing]);
    if (status === 'fail' && target.enforce) {
      await client.query('ROLLBACK');
      inTransaction = false;
      const failedGates = gates.filter((g) => g.status === 'fail').map((g) => g.message);
      const message = `validation failed, load rolled back: ${failedGates.join('; ')}`;
      await client.query('BEGIN');
      await finishLoadEvent(client, loadId, {
        ...outcome,
        rows_loaded: 0,
        rows_deleted: 0,
        columns_added: [],
        columns_widened: [],
        load_status: 'rolled_back',
        error_message: message,
      });
      await insertValidationResults(client, loadId, opts.sourceCode, gates);
      await client.query('COMMIT');
      return {
        ...result,
        status: 'rolled_back',
        rowsLoaded: 0,
        rowsDeleted: 0,
        columnsAdded: [],
        columnsWidened: [],
        schemaChangeId: null,
        ...finished(),
        notes: [...notes, message],
      };
    }

    await insertValidationResults(client, loadId, opts.sourceCode, gates);
    if (target.source) {
      await recordSuccess(client, who, {
        rows: written.rows,
        created: plan.kind === 'create',
        columns: dataColumns.length,
        gates,
        started,
        details: { rows: written.rows, mode, file: src.file.name, period: period?.code ?? null },
      });
    }
    await finishLoadEvent(client, loadId, {
      ...outcome,
      load_status: 'completed',
      message: notes.join(' ') || null,
    });
    if (opts.signal?.aborted) throw opts.signal.reason;
    await client.query('COMMIT');
    inTransaction = false;
    return { ...result, status: 'completed', ...finished() };
  } catch (err) {
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    const cancelled = isCancellation(err, opts.signal);
    // the reader reports its own cancellation; the signal's reason says who cancelled
    const failure = cancelled ? (opts.signal?.aborted ? opts.signal.reason : err) : describeFailure(err, src);
    const final = {
      load_status: cancelled ? ('cancelled' as const) : ('failed' as const),
      source_rows: spec.rowCount,
      error_message: (failure as Error).message ?? String(failure),
      // a failed attempt is audited with its file's hash too (a pass of its own when the COPY did
      // not finish it); a cancelled one stops at once
      file_sha256: content.known ?? (cancelled ? null : await content.get().catch(() => null)),
    };
    // this connection may be what failed: then record the outcome over another one
    await finishLoadEvent(client, loadId, final).catch(() =>
      finishLoadEvent(pool, loadId, final).catch(() => undefined),
    );
    throw failure;
  } finally {
    await releaseLoadLock(client, loadId).catch(() => undefined);
  }
}

/** Idempotency: the same content for the same source, table and period was loaded before. */
async function skipIfLoaded(
  client: pg.ClientBase,
  src: TableSource,
  content: ContentHash,
  opts: LoadTableOptions,
  target: LoadTarget,
  event: NewLoadEvent,
  base: Pick<LoadResult, 'sourceCode' | 'test' | 'schema' | 'table' | 'file' | 'tableId' | 'period' | 'mode'>,
  started: number,
  /** the event of a load already under way (its lock is released by the caller) */
  running?: string,
): Promise<LoadResult | null> {
  const done = await content.findLoaded(client, {
    source_code: opts.sourceCode,
    target_schema: target.schema,
    period: event.period,
    table_id: src.table.id,
  });
  if (!done) return null;
  const note = `skipped: this file was already loaded as load ${done.load_id} (${formatCount(Number(done.rows_loaded))} rows); use --force to load it again`;
  if (running) await client.query('ROLLBACK');
  const loadId = running ?? (await startLoadEvent(client, event));
  await finishLoadEvent(client, loadId, {
    load_status: 'skipped',
    file_sha256: content.known,
    message: note,
    source_rows: src.table.rowCount,
  });
  if (!running) await releaseLoadLock(client, loadId);
  return {
    ...base,
    status: 'skipped',
    loadId,
    created: false,
    rowsLoaded: 0,
    sourceRows: src.table.rowCount,
    rowsSuppressed: 0,
    rowsDeleted: 0,
    columns: src.table.columns.length,
    columnsAdded: [],
    columnsWidened: [],
    columnsPending: [],
    columnsRejected: [],
    columnsMissing: [],
    schemaChangeId: null,
    refined: false,
    readPath: null,
    validation: [],
    validationStatus: null,
    validationEnforced: target.enforce,
    ...elapsed(started, []),
    notes: [note],
  };
}

/**
 * The load's duration and its phases, from the moments the phases after preparing began
 * (writing, checking, committing); the last runs until now, a phase not reached takes no time.
 */
function elapsed(started: number, marks: readonly number[]): { durationMs: number; timings: LoadTimings } {
  const ends = [...marks, Date.now()];
  const [prepareMs = 0, writeMs = 0, checksMs = 0, commitMs = 0] = ends.map(
    (end, i) => end - (i === 0 ? started : ends[i - 1]!),
  );
  return { durationMs: ends.at(-1)! - started, timings: { prepareMs, writeMs, checksMs, commitMs } };
}

/** The shape of the table as loaded: a changed hash between loads is schema drift. */
function specHash(spec: TableSpec): string {
  const shape = spec.columns.map((c) => [c.name, c.type]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}
