import { createHash, type Hash } from 'node:crypto';
import type pg from 'pg';
import type { TableSpec } from '../../engine/table-spec.js';
import { copyCsvFile, copyRows, type LineEditor, type LineSink } from '../../warehouse/copy.js';
import {
  addLineageSql,
  hasCurrentLineageDefaults,
  hasLineageIndex,
  lineageConstantsSql,
  lineageDefaultsSql,
  lineageIndexSql,
  lineageSettings,
  LINEAGE_COLUMN_DEFS,
  type ColumnDef,
} from '../../warehouse/ddl.js';
import { LineHashes } from '../../warehouse/line-hashes.js';
import { headerCouldLoad, profileWithSuspects, type ColumnProfile } from '../../warehouse/queries/quality.js';
import { applyPlan, clearForMode } from './apply-plan.js';
import { isMisfit } from './failure.js';
import { planTable, type LoadColumn, type TablePlan } from './plan.js';
import { rawPathBlocker, RawPathDiverged, type RawCsv } from './raw-path.js';
import { RawScan } from './raw-scan.js';
import { RowStats } from './row-stats.js';
import type { LoadMode, LoadTableOptions, TableSource } from './types.js';

/**
 * Plan, DDL, delete per mode and COPY, inside the caller's transaction. Each attempt runs under a
 * savepoint: the raw path first when it may, then datawarp's typed reader, then the typed reader
 * with types from every row (refine). The first attempt that fits wins; the rest roll back.
 */
export interface WriteContext {
  readonly schema: string;
  readonly table: string;
  readonly mode: LoadMode;
  readonly period: { code: string; start: string; end: string } | null;
  readonly fileKey: string;
  readonly loadId: string;
  readonly loadedAt: string;
  readonly existing: readonly ColumnDef[] | null;
  readonly held: { pending: ReadonlySet<string>; rejected: ReadonlySet<string> };
  /** test loads add every new column: they have no review queue */
  readonly autoApprove: boolean;
}

export interface Written {
  readonly plan: TablePlan;
  /** the spec the rows were read with (refined when re-typing was needed) */
  readonly spec: TableSpec;
  readonly refined: boolean;
  readonly path: 'raw' | 'typed';
  readonly rows: number;
  readonly deleted: number;
  /** what the rows measured on their way in (row-stats.ts, raw-scan.ts), so the gates need not read them back */
  readonly profile?: ColumnProfile[];
  readonly duplicates?: { extra: number; complete: boolean };
  /** the file's SHA-256, when the raw COPY hashed it on the way */
  readonly sha256?: string;
}

export async function writeRows(
  client: pg.ClientBase,
  src: TableSource,
  opts: LoadTableOptions,
  ctx: WriteContext,
): Promise<Written> {
  const { schema, table, mode, period, fileKey, loadId, loadedAt, existing, held } = ctx;
  let spec: TableSpec = src.table;
  let refined = false;
  let rawTried = false;
  let path: 'raw' | 'typed';
  let plan: TablePlan;
  let sha256: string | undefined;
  // this load's lineage values, in LINEAGE_COLUMN_DEFS order
  const lineage = [
    loadId,
    loadedAt,
    period?.code ?? null,
    period?.start ?? null,
    period?.end ?? null,
    src.file.name,
  ];
  for (;;) {
    await client.query('SAVEPOINT datawarp_load');
    plan = planTable({
      schema,
      table,
      columns: spec.columns,
      existing,
      reviewAt: opts.config.load.review_columns_at,
      autoApprove: ctx.autoApprove,
      pending: held.pending,
      rejected: held.rejected,
    });
    const loadCols = plan.load;
    path = !rawTried && rawPathBlocker(src.raw, spec, loadCols) === null ? 'raw' : 'typed';
    if (path === 'typed' && !refined && sampled(spec)) {
      // the typed reader on a table detection only sampled: type it from every row first, so
      // the pass fits at once and its suppressed counts cover the whole file
      await client.query('ROLLBACK TO SAVEPOINT datawarp_load');
      spec = await src.refine();
      refined = true;
      continue;
    }
    try {
      await applyPlan(client, schema, table, plan);
      const created = plan.kind === 'create';
      // a table made just now holds nothing to clear (nor yet the lineage columns that say what)
      const deleted = created
        ? 0
        : await clearForMode(client, {
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
      let profile: ColumnProfile[];
      const lineHashes =
        opts.config.validation.levels.duplicate_rows === 'off'
          ? undefined
          : new LineHashes(opts.config.validation.duplicate_check_max_rows);
      if (path === 'raw') {
        rawTried = true;
        const scan = new RawScan(
          loadCols.map((c, i) => ({
            name: c.spec.name,
            type: spec.columns[i]!.type,
            landed: c.type,
            datePattern: spec.columns[i]!.format?.datePattern,
          })),
          src.raw!.dialect!,
        );
        // a header row PostgreSQL could load as data is told from data by PostgreSQL's reading
        if (spec.columns.every((c) => headerCouldLoad(c))) scan.unsure = true;
        const hash = src.file.sha256 === null ? createHash('sha256') : undefined;
        result = await copyRaw(client, {
          lineSinks: lineHashes ? [lineHashes, scan] : [scan],
          editor: scan,
          hash,
          created,
          emptied: mode === 'fullload',
          schema,
          table,
          spec,
          raw: src.raw!,
          lineage,
          existing,
          signal: opts.signal,
          progress,
        });
        // the scan read the bytes as they went in; the table is asked only when it was unsure
        const checked =
          !scan.unsure && scan.records === result.rows
            ? { suspects: scan.suspects, profile: scan.profile() }
            : await profileWithSuspects(
                client,
                schema,
                table,
                loadId,
                loadCols.map((c) => ({ name: c.spec.name, type: c.type })),
                spec.columns.map((c) => ({ name: c.name, type: c.type, header: c.header })),
              );
        if (checked.suspects || scan.lenient) throw new RawPathDiverged(checked.suspects + scan.lenient);
        // the markers counted in every row, where detection saw a sample
        spec = { ...spec, columns: spec.columns.map((c, i) => ({ ...c, suppressed: scan.suppressed[i]! })) };
        sha256 = hash?.digest('hex');
        profile = checked.profile;
      } else {
        const pick = identity(loadCols, spec.columns.length) ? null : loadCols.map((c) => c.index);
        const stats = new RowStats(
          loadCols.map((c) => ({ name: c.spec.name, type: c.type })),
          pick,
          lineHashes,
        );
        result = await copyRows(client, {
          schema,
          table,
          columns: loadCols.map((c) => c.spec.name),
          pick,
          // the reader writes numbers, dates and booleans plainly: only text can need escaping
          escape: loadCols.map((c) => c.spec.type === 'text'),
          rowSink: stats,
          constantColumns: created ? [] : LINEAGE_COLUMN_DEFS.map((c) => c.name),
          constants: created ? [] : lineage,
          batches: src.read(spec, opts.signal),
          signal: opts.signal,
          onProgress: progress,
        });
        if (created) await addLineage(client, schema, table, lineage);
        profile = stats.profile();
      }
      const duplicates = lineHashes && { extra: lineHashes.repeats, complete: lineHashes.complete };
      // the table's second load (a fullload leaves one) brings the index: one bulk build after
      // the rows instead of one insert per row, and none at all for a table that only holds one load
      if (plan.kind !== 'create' && mode !== 'fullload' && !(await hasLineageIndex(client, schema, table)))
        await client.query(lineageIndexSql(schema, table));
      await client.query('RELEASE SAVEPOINT datawarp_load');
      return { plan, spec, refined, path, rows: result.rows, deleted, profile, duplicates, sha256 };
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (path === 'raw' && (err instanceof RawPathDiverged || isMisfit(err))) {
        await client.query('ROLLBACK TO SAVEPOINT datawarp_load');
        continue;
      }
      if (refined || !isMisfit(err)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT datawarp_load');
      spec = await src.refine();
      refined = true;
    }
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
    lineSinks: readonly LineSink[];
    editor: LineEditor;
    hash: Hash | undefined;
    /** the table was created by this load */
    created: boolean;
    /** the table was emptied by this load (fullload: TRUNCATE holds ACCESS EXCLUSIVE already) */
    emptied: boolean;
  },
): Promise<{ rows: number }> {
  if (q.emptied && !q.created) {
    // no reader can see the table until commit anyway, so the defaults may be this load's
    // constants: PostgreSQL then evaluates nothing per row (settings cost an append ~0.8 s per
    // 1M rows)
    await client.query(lineageConstantsSql(q.schema, q.table, q.lineage));
  } else if (!q.created) {
    if (!(await hasCurrentLineageDefaults(client, q.schema, q.table)))
      await client.query(lineageDefaultsSql(q.schema, q.table));
    await client.query(lineageSettings(q.lineage));
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
    lineSinks: q.lineSinks,
    editor: q.editor,
    hash: q.hash,
  });
  if (q.created) await addLineage(client, q.schema, q.table, q.lineage);
  else if (q.emptied) await client.query(lineageDefaultsSql(q.schema, q.table));
  return copied;
}

/** A new table's lineage, added after its first rows (`addLineageSql`), and the defaults later loads use. */
async function addLineage(
  client: pg.ClientBase,
  schema: string,
  table: string,
  values: readonly (string | null)[],
): Promise<void> {
  await client.query(addLineageSql(schema, table, values));
  await client.query(lineageDefaultsSql(schema, table));
}

/** Detection saw only part of this table (its row count is an estimate). */
function sampled(spec: TableSpec): boolean {
  return spec.warnings.some((w) => /estimated from a sample/.test(w));
}

function identity(cols: readonly LoadColumn[], width: number): boolean {
  return cols.length === width && cols.every((c, i) => c.index === i);
}
