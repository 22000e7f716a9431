import os from 'node:os';
import type pg from 'pg';
import { TypeMisfit } from '../../engine/api.js';
import type { TableSpec } from '../../engine/table-spec.js';
import { DatawarpError, isDatawarpError } from '../../errors.js';
import { SOURCE_CODE_PATTERN, sourceTableName } from '../../lifecycle/registry.js';
import { copyCsvFile, copyRows } from '../../warehouse/copy.js';
import { LineHashes } from '../../warehouse/line-hashes.js';
import {
  addColumnsSql,
  columnCommentSql,
  createTableSql,
  describeTable,
  lineageConstantsSql,
  lineageDefaultsSql,
  lineageIndexSql,
  lineageSettingsSql,
  LINEAGE_COLUMN_DEFS,
  tableBytes,
  widenColumnSql,
  type ColumnDef,
} from '../../warehouse/ddl.js';
import { qualified, quoteIdent } from '../../warehouse/identifiers.js';
import { countDescribed, upsertColumnMetadata } from '../../warehouse/queries/column-metadata.js';
import { profileWithSuspects, type ColumnProfile } from '../../warehouse/queries/quality.js';
import {
  failAbandonedLoads,
  findCompletedLoad,
  finishLoadEvent,
  previousLoadRows,
  releaseLoadLock,
  startLoadEvent,
} from '../../warehouse/queries/load-events.js';
import { insertSourceMetric } from '../../warehouse/queries/metrics.js';
import { heldColumns, insertSchemaChange } from '../../warehouse/queries/schema-changes.js';
import { getSource, writeAudit, type SourceRow } from '../../warehouse/queries/sources.js';
import { insertValidationResults } from '../../warehouse/queries/validation.js';
import {
  checkMetadata,
  checkQuality,
  checkRowCount,
  checkSchemaDrift,
  passRate,
  worst,
  type GateResult,
} from '../validate/index.js';
import { isCancellation } from './cancellation.js';
import { planTable, type LoadColumn, type TablePlan } from './plan.js';
import { rawPathBlocker, RawPathDiverged, type RawCsv } from './raw-path.js';
import type { LoadMode, LoadResult, LoadTableOptions, TableSource } from './types.js';

/**
 * load: one table of one file into its source's table, in one transaction with its audit rows.
 *
 * 1. a committed `in_progress` load event (a crash leaves it; the next load fails it);
 * 2. BEGIN; plan (create / evolve / hold for review); DDL; delete per mode; COPY with typed
 *    values. The first pass trusts the sampled types; a value that does not fit rolls back to a
 *    savepoint, the whole file is re-typed (refine) and loaded again, so the common case reads
 *    the file once and no load fails halfway on a stray `*`;
 * 3. validation gates, column metadata, metrics, the final load event; COMMIT (or ROLLBACK when
 *    an enforced gate fails).
 */
export async function loadTable(
  pool: pg.Pool,
  src: TableSource,
  opts: LoadTableOptions,
): Promise<LoadResult> {
  const started = opts.startedAt ?? Date.now();
  const client = await pool.connect();
  try {
    return await loadWithClient(client, src, opts, started);
  } finally {
    client.release();
  }
}

interface Target {
  readonly source: SourceRow | null;
  readonly schema: string;
  readonly table: string;
  readonly mode: LoadMode;
  readonly enforce: boolean;
}

async function resolveTarget(client: pg.ClientBase, opts: LoadTableOptions): Promise<Target> {
  const code = opts.sourceCode;
  const source = await getSource(client, code);
  if (!source) {
    if (!opts.test) {
      throw new DatawarpError('SOURCE_NOT_FOUND', `source ${code} is not registered; nothing was loaded`, {
        hint: `register it first (datawarp register ${code} --publication ... --domain ... --owner ... --purpose ...), or add --test to load it into staging_test`,
      });
    }
    if (!SOURCE_CODE_PATTERN.test(code)) {
      throw new DatawarpError(
        'SOURCE_INVALID',
        `--source ${JSON.stringify(code)} is not a valid source code`,
        {
          hint: 'use lowercase letters, digits and underscores, starting with a letter (at most 59)',
        },
      );
    }
    return {
      source: null,
      schema: 'staging_test',
      table: sourceTableName(code),
      mode: opts.mode ?? 'replace',
      enforce: Boolean(opts.validate),
    };
  }
  if (source.status === 'archived') {
    throw new DatawarpError('SOURCE_INVALID', `source ${code} is archived; nothing was loaded`, {
      hint: 'register a new source code for new data',
    });
  }
  return {
    // --test on a registered source still lands in staging_test and leaves the source alone
    source: opts.test ? null : source,
    schema: opts.test ? 'staging_test' : source.schema_name,
    table: opts.test ? sourceTableName(code) : source.table_name,
    mode: opts.mode ?? source.load_mode,
    enforce: Boolean(opts.validate) || (!opts.test && source.validation_required),
  };
}

/** The file key groups the loads that replace each other: the same table of the same file, any period. */
function fileKeyOf(src: TableSource): string {
  const stem = src.table.name || src.file.name.replace(/\.[^.]*$/, '');
  return `${stem}#${src.table.id}`;
}

async function loadWithClient(
  client: pg.PoolClient,
  src: TableSource,
  opts: LoadTableOptions,
  started: number,
): Promise<LoadResult> {
  const target = await resolveTarget(client, opts);
  const { schema, table, mode } = target;
  const period = opts.period !== undefined ? opts.period : src.spec.period;
  const fileKey = fileKeyOf(src);
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
  const eventBase = {
    source_code: opts.sourceCode,
    target_schema: schema,
    target_table: table,
    file_reference: src.file.reference,
    file_key: fileKey,
    file_sha256: src.file.sha256,
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
    const done = await findCompletedLoad(client, {
      source_code: opts.sourceCode,
      target_schema: schema,
      file_sha256: src.file.sha256,
      period: period?.code ?? null,
      table_id: src.table.id,
    });
    if (done) {
      const note = `skipped: this file was already loaded as load ${done.load_id} (${Number(done.rows_loaded).toLocaleString('en-GB')} rows); use --force to load it again`;
      const loadId = await startLoadEvent(client, eventBase);
      await finishLoadEvent(client, loadId, {
        load_status: 'skipped',
        message: note,
        source_rows: src.table.rowCount,
      });
      await releaseLoadLock(client, loadId);
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
        durationMs: Date.now() - started,
        notes: [note],
      };
    }
  }

  const loadId = await startLoadEvent(client, eventBase);
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
    const loadedAt = clock[0]!.now;
    const today = opts.today ?? clock[0]!.today;
    const existing = await describeTable(client, schema, table);
    const held = target.source
      ? await heldColumns(client, opts.sourceCode)
      : { pending: new Set<string>(), rejected: new Set<string>() };

    let refined = false;
    let rawTried = false;
    let path: 'raw' | 'typed' | null = null;
    let plan: TablePlan;
    let profile: ColumnProfile[] | undefined;
    let duplicates: { extra: number; complete: boolean } | undefined;
    let copied: { rows: number; deleted: number };
    const lineage = [loadId, period?.code ?? null, period?.start ?? null, period?.end ?? null, src.file.name];
    for (;;) {
      await client.query('SAVEPOINT datawarp_load');
      profile = undefined;
      duplicates = undefined;
      plan = planTable({
        schema,
        table,
        columns: spec.columns,
        existing,
        reviewAt: opts.config.load.review_columns_at,
        autoApprove: target.source === null,
        pending: held.pending,
        rejected: held.rejected,
      });
      const loadCols = plan.load;
      path = !rawTried && rawPathBlocker(src.raw, spec, loadCols) === null ? 'raw' : 'typed';
      try {
        await applyPlan(client, schema, table, plan);
        const deleted = await clearForMode(client, {
          schema,
          table,
          mode,
          period: period?.code ?? null,
          fileKey,
          loadId,
          sourceCode: opts.sourceCode,
        });
        const expected = spec.rowCount || null;
        const progress = opts.onProgress ? (n: number) => opts.onProgress!(n, expected) : undefined;
        let result: { rows: number };
        if (path === 'raw') {
          rawTried = true;
          const lineHashes =
            opts.config.validation.levels.duplicate_rows === 'off'
              ? undefined
              : new LineHashes(opts.config.validation.duplicate_check_max_rows);
          result = await copyRaw(client, {
            lineHashes,
            created: plan.kind === 'create',
            loadedAt,
            schema,
            table,
            spec,
            raw: src.raw!,
            lineage,
            existing,
            signal: opts.signal,
            progress,
          });
          const scan = await profileWithSuspects(
            client,
            schema,
            table,
            loadId,
            loadCols.map((c) => ({ name: c.spec.name, type: c.type })),
            spec.columns.map((c) => ({ name: c.name, type: c.type, header: c.header })),
          );
          if (scan.suspects) throw new RawPathDiverged(scan.suspects);
          profile = scan.profile;
          if (lineHashes) duplicates = { extra: lineHashes.repeats, complete: lineHashes.complete };
        } else {
          result = await copyRows(client, {
            schema,
            table,
            columns: loadCols.map((c) => c.spec.name),
            pick: identity(loadCols, spec.columns.length) ? null : loadCols.map((c) => c.index),
            constantColumns: LINEAGE_COLUMN_DEFS.map((c) => c.name),
            constants: [loadId, loadedAt, ...lineage.slice(1)],
            batches: src.read(spec, opts.signal),
            signal: opts.signal,
            onProgress: progress,
          });
        }
        // a new table gets its index after the rows: one bulk build instead of a million inserts
        if (plan.kind === 'create') await client.query(lineageIndexSql(schema, table));
        copied = { rows: result.rows, deleted };
        await client.query('RELEASE SAVEPOINT datawarp_load');
        break;
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        if (path === 'raw' && (err instanceof RawPathDiverged || isMisfit(err))) {
          await client.query('ROLLBACK TO SAVEPOINT datawarp_load');
          // PostgreSQL refused a value the sample did not show: type the table from every row
          // first, so the typed pass fits at once and its suppressed counts are exact
          if (!(err instanceof RawPathDiverged) && sampled(spec)) {
            spec = await src.refine();
            refined = true;
          }
          continue;
        }
        if (refined || !isMisfit(err)) throw err;
        await client.query('ROLLBACK TO SAVEPOINT datawarp_load');
        spec = await src.refine();
        refined = true;
      }
    }
    if (opts.signal?.aborted) throw opts.signal.reason;

    const evolve = plan.kind === 'evolve' ? plan : null;
    const added = plan.kind === 'create' ? [] : plan.add.map((c) => c.name);
    let schemaChangeId: string | null = null;
    if (target.source && evolve) {
      for (const w of evolve.widen)
        await insertSchemaChange(client, {
          source_code: opts.sourceCode,
          load_id: loadId,
          change_type: 'widen_type',
          details: { table: `${schema}.${table}`, ...w },
          status: 'applied',
          requested_by: opts.user,
        });
      if (evolve.add.length)
        await insertSchemaChange(client, {
          source_code: opts.sourceCode,
          load_id: loadId,
          change_type: 'add_columns',
          details: { table: `${schema}.${table}`, columns: evolve.add, auto: true },
          status: 'applied',
          requested_by: opts.user,
        });
      if (evolve.newRequest.length)
        schemaChangeId = await insertSchemaChange(client, {
          source_code: opts.sourceCode,
          load_id: loadId,
          change_type: 'add_columns',
          details: {
            table: `${schema}.${table}`,
            columns: evolve.newRequest.map((c) => ({ name: c.name, header: c.header, type: c.type })),
          },
          status: 'pending',
          requested_by: opts.user,
        });
    }

    const tableColumns = (await describeTable(client, schema, table))!;
    const dataColumns = tableColumns.filter((c) => !LINEAGE_COLUMN_DEFS.some((l) => l.name === c.name));
    const suppressed = spec.columns.reduce((n, c) => n + c.suppressed, 0);
    const settings = opts.config.sources[opts.sourceCode];
    if (target.source) {
      await upsertColumnMetadata(
        client,
        opts.sourceCode,
        loadId,
        plan.load.map((c, i) => ({
          column_name: c.spec.name,
          original_name: c.spec.header,
          data_type: tableColumns.find((t) => t.name === c.spec.name)?.type ?? c.type,
          ordinal: i + 1,
          suppressed_count: c.spec.suppressed,
          description: settings?.descriptions?.[c.spec.name] ?? null,
        })),
      );
    }

    // gates
    const vc = opts.config.validation;
    const previous = await previousLoadRows(client, {
      source_code: opts.sourceCode,
      target_schema: schema,
      file_key: fileKey,
      before: loadId,
    });
    const gates: GateResult[] = [
      ...checkRowCount(vc, copied.rows, previous),
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
        rows: copied.rows,
        columns: plan.load.map((c) => ({
          name: c.spec.name,
          type: tableColumns.find((t) => t.name === c.spec.name)?.type ?? c.type,
        })),
        key: settings?.key,
        today,
        profile,
        duplicates,
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
    const outcome = {
      rows_loaded: copied.rows,
      source_rows: spec.rowCount,
      rows_suppressed: suppressed,
      rows_deleted: copied.deleted,
      columns_added: added,
      columns_widened: evolve?.widen ?? [],
      columns_pending: evolve?.held.map((c) => c.name) ?? [],
      columns_missing: evolve?.missing ?? [],
      validation_status: status,
      spec,
      spec_hash: null,
    };
    const result: Omit<LoadResult, 'status' | 'durationMs'> = {
      ...base,
      loadId,
      created: plan.kind === 'create',
      rowsLoaded: copied.rows,
      sourceRows: spec.rowCount,
      rowsSuppressed: suppressed,
      rowsDeleted: copied.deleted,
      columns: dataColumns.length,
      columnsAdded: added,
      columnsWidened: evolve?.widen ?? [],
      columnsPending: evolve?.held.map((c) => c.name) ?? [],
      columnsRejected: evolve?.rejected.map((c) => c.name) ?? [],
      columnsMissing: evolve?.missing ?? [],
      schemaChangeId,
      refined,
      readPath: path,
      validation: gates,
      validationStatus: status,
      validationEnforced: target.enforce,
      notes,
    };

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
        durationMs: Date.now() - started,
        notes: [...notes, message],
      };
    }

    await insertValidationResults(client, loadId, opts.sourceCode, gates);
    if (target.source) {
      await client.query(
        `UPDATE datawarp.tbl_data_sources
            SET status = CASE WHEN status = 'registered' THEN 'active' ELSE status END,
                last_loaded_at = now(), last_validated_at = now(), updated_at = now()
          WHERE source_code = $1`,
        [opts.sourceCode],
      );
      const { rows: total } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${qualified(schema, table)}`,
      );
      await insertSourceMetric(client, {
        source_code: opts.sourceCode,
        load_id: loadId,
        row_count: Number(total[0]?.n ?? 0),
        column_count: dataColumns.length,
        table_size_bytes: await tableBytes(client, schema, table),
        load_duration_seconds: (Date.now() - started) / 1000,
        validation_pass_rate: passRate(gates),
      });
      await writeAudit(client, {
        action: 'load',
        actor: opts.user,
        source_code: opts.sourceCode,
        object_type: 'table',
        object_name: `${schema}.${table}`,
        details: {
          load_id: loadId,
          rows: copied.rows,
          mode,
          file: src.file.name,
          period: period?.code ?? null,
        },
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
    return { ...result, status: 'completed', durationMs: Date.now() - started };
  } catch (err) {
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    const cancelled = isCancellation(err, opts.signal);
    // the reader reports its own cancellation; the signal's reason says who cancelled
    const failure = cancelled ? (opts.signal?.aborted ? opts.signal.reason : err) : describeFailure(err, src);
    await finishLoadEvent(client, loadId, {
      load_status: cancelled ? 'cancelled' : 'failed',
      source_rows: spec.rowCount,
      error_message: (failure as Error).message ?? String(failure),
    }).catch(() => undefined);
    throw failure;
  } finally {
    await releaseLoadLock(client, loadId).catch(() => undefined);
  }
}

async function copyRaw(
  client: pg.ClientBase,
  q: {
    schema: string;
    table: string;
    spec: TableSpec;
    raw: RawCsv;
    lineage: readonly (string | null)[];
    existing: readonly ColumnDef[] | null;
    signal: AbortSignal | undefined;
    progress: ((n: number) => void) | undefined;
    lineHashes: LineHashes | undefined;
    /** the table was created by this load */
    created: boolean;
    loadedAt: string;
  },
): Promise<{ rows: number }> {
  if (q.created) {
    await client.query(
      lineageConstantsSql(q.schema, q.table, [q.lineage[0]!, q.loadedAt, ...q.lineage.slice(1)]),
    );
  } else {
    const { rows: defaults } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = $1::regclass AND a.attname = '_load_id'`,
      [qualified(q.schema, q.table)],
    );
    // tables made before lineage defaults existed get them once
    if (!defaults[0]?.n) await client.query(lineageDefaultsSql(q.schema, q.table));
    await client.query(lineageSettingsSql(), [...q.lineage]);
  }
  // day-first, like datawarp's reader, for the rare non-ISO date PostgreSQL accepts
  await client.query(`SET LOCAL DateStyle = 'ISO, DMY'`);
  const d = q.raw.dialect!;
  const copied = await copyCsvFile(client, {
    schema: q.schema,
    table: q.table,
    columns: q.spec.columns.map((c) => c.name),
    file: q.raw.path,
    firstLine: q.spec.dataRows[0],
    lastLine: q.spec.dataRows[1],
    delimiter: d.delimiter,
    quote: d.quote!,
    escape: d.escape,
    signal: q.signal,
    onProgress: q.progress,
    lineHashes: q.lineHashes,
  });
  if (q.created) await client.query(lineageDefaultsSql(q.schema, q.table));
  return copied;
}

/** Detection saw only part of this table (its row count is an estimate). */
function sampled(spec: TableSpec): boolean {
  return spec.warnings.some((w) => /estimated from a sample/.test(w));
}

function identity(cols: readonly LoadColumn[], width: number): boolean {
  return cols.length === width && cols.every((c, i) => c.index === i);
}

async function applyPlan(
  client: pg.ClientBase,
  schema: string,
  table: string,
  plan: TablePlan,
): Promise<void> {
  switch (plan.kind) {
    case 'create':
      await client.query(createTableSql(schema, table, plan.columns));
      await comment(client, schema, table, plan.columns);
      return;
    case 'evolve':
      for (const w of plan.widen) await client.query(widenColumnSql(schema, table, w.column, w.to));
      if (plan.add.length) {
        await client.query(addColumnsSql(schema, table, plan.add));
        await comment(client, schema, table, plan.add);
      }
      return;
    default: {
      const never: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }
}

async function comment(client: pg.ClientBase, schema: string, table: string, cols: readonly ColumnDef[]) {
  for (const c of cols) if (c.comment) await client.query(columnCommentSql(schema, table, c.name, c.comment));
}

/** replace: the rows earlier loads of this file key wrote for this period; fullload: every row. */
async function clearForMode(
  client: pg.ClientBase,
  q: {
    schema: string;
    table: string;
    mode: LoadMode;
    period: string | null;
    fileKey: string;
    loadId: string;
    sourceCode: string;
  },
): Promise<number> {
  const t = qualified(q.schema, q.table);
  switch (q.mode) {
    case 'append':
      return 0;
    case 'fullload': {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
      await client.query(`TRUNCATE ${t}`);
      return Number(rows[0]?.n ?? 0);
    }
    case 'replace': {
      const res = await client.query(
        `DELETE FROM ${t}
          WHERE ${quoteIdent('_period')} IS NOT DISTINCT FROM $1
            AND ${quoteIdent('_load_id')} IN (
              SELECT load_id FROM datawarp.tbl_load_events
               WHERE source_code = $2 AND target_schema = $3 AND target_table = $4
                 AND file_key = $5 AND load_id <> $6)`,
        [q.period, q.sourceCode, q.schema, q.table, q.fileKey, q.loadId],
      );
      return res.rowCount ?? 0;
    }
    default: {
      const never: never = q.mode;
      throw new Error(`unknown load mode ${String(never)}`);
    }
  }
}

/** A value the types did not foresee: the engine's TypeMisfit, or PostgreSQL rejecting a value (class 22). */
function isMisfit(err: unknown): boolean {
  if (err instanceof TypeMisfit) return true;
  const code = (err as { code?: string })?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function describeFailure(err: unknown, src: TableSource): unknown {
  if (isDatawarpError(err)) return err;
  if (err instanceof TypeMisfit) {
    return new DatawarpError(
      'DATA_INVALID',
      `a value does not fit even after re-typing the whole file: ${err.message}`,
      {
        file: src.file.reference,
        location: { line: err.row },
        hint: 'this is likely a bug in type detection; load with --test to inspect, and report the file',
        cause: err,
      },
    );
  }
  const pgErr = err as { code?: string; message?: string; where?: string };
  if (typeof pgErr?.code === 'string' && pgErr.code.startsWith('22')) {
    return new DatawarpError(
      'DATA_INVALID',
      `PostgreSQL refused a value: ${pgErr.message}${pgErr.where ? ` (${pgErr.where.split('\n')[0]})` : ''}`,
      {
        file: src.file.reference,
        hint: 'nothing was loaded; check the value in the file, or report it if the type datawarp chose is wrong',
        cause: err,
      },
    );
  }
  if (typeof pgErr?.code === 'string' && /^(08|53|57|58|XX|40|42|23)/.test(pgErr.code)) {
    return new DatawarpError('DB_ERROR', `the load failed in the database: ${pgErr.message}`, {
      file: src.file.reference,
      hint: 'nothing was loaded; the load event records the error (datawarp history)',
      cause: err,
    });
  }
  return err;
}

function notesFor(plan: TablePlan, changeId: string | null): string[] {
  if (plan.kind !== 'evolve') return [];
  const notes: string[] = [];
  if (plan.held.length) {
    notes.push(
      `${plan.held.length} new columns held for review (${plan.held.map((c) => c.name).join(', ')}); loaded the existing columns only` +
        (changeId
          ? `; approve with: datawarp schema-changes approve ${changeId}`
          : '; a review request is already pending (datawarp schema-changes list)'),
    );
  }
  if (plan.rejected.length)
    notes.push(`ignored columns rejected in review: ${plan.rejected.map((c) => c.name).join(', ')}`);
  if (plan.missing.length) notes.push(`columns not in this file loaded as null: ${plan.missing.join(', ')}`);
  for (const w of plan.widen) notes.push(`widened ${w.column} from ${w.from} to ${w.to}`);
  return notes;
}
