/**
 * `datawarp load-batch MANIFEST`: load every enabled source and file of a manifest, each
 * source's files in period order, through the same `loadFile` as `datawarp load`.
 *
 * - Sources the registry does not know are registered when the manifest (or datawarp.yaml
 *   `defaults:`) fully describes them, and refused otherwise.
 * - One file's failure never stops the others; each file's status is kept in
 *   `datawarp.tbl_manifest_files`, so a re-run resumes with the files not yet loaded.
 * - After loading, the manifest's column descriptions go to the column metadata, duplicate rows
 *   across periods are reported (with a suggested mode, changing nothing), and the manifest file
 *   records `state: loaded` and `last_loaded`.
 */
import path from 'node:path';
import type pg from 'pg';
import type { Period } from '../engine/index.js';
import { DatawarpError, isDatawarpError } from '../errors.js';
import type { Config } from '../storage/config.js';
import { downloadToCache, type DownloadOptions } from '../storage/download.js';
import type { Workspace } from '../storage/workspace.js';
import {
  ensureManifestFiles,
  listManifestFiles,
  markFileDone,
  markFileRunning,
  touchManifest,
  type ManifestFileRow,
} from '../warehouse/queries/manifest-files.js';
import { getSource } from '../warehouse/queries/sources.js';
import { loadFile, parsePeriod } from './load/index.js';
import type { LoadResult } from './load/types.js';
import { detectDuplicates, recordDuplicateWarning, type DuplicateReport } from './manifest/duplicates.js';
import { fileEntryKey, fileLocator, isUrl } from './manifest/files.js';
import { formatProblem, readManifest } from './manifest/parse.js';
import { configDefaults, ensureRegistered } from './manifest/registration.js';
import { describeColumns, recordManifestState } from './manifest/state.js';
import type { FileMode, Manifest, ManifestFile, ManifestSource } from './manifest/schema.js';
import { chooseManifestTable } from './manifest/select-table.js';

export interface LoadBatchOptions {
  readonly manifest: string;
  readonly workspace: Workspace;
  readonly config: Config;
  readonly user: string;
  /** enforce validation gates: a failing gate rolls that file back */
  readonly validate?: boolean;
  /** load files again even when they were loaded before */
  readonly force?: boolean;
  /** only these source codes (a disabled source named here is loaded too) */
  readonly only?: readonly string[];
  /** use only the download cache */
  readonly offline?: boolean;
  readonly download?: Omit<DownloadOptions, 'offline'>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: BatchEvent) => void;
}

export type BatchEvent =
  | { readonly kind: 'warning'; readonly message: string }
  | { readonly kind: 'registered'; readonly source: string }
  | { readonly kind: 'refused'; readonly source: string; readonly reason: string }
  | {
      readonly kind: 'file';
      readonly result: BatchFileResult;
      readonly index: number;
      readonly total: number;
    };

export const BATCH_FILE_STATUSES = [
  'loaded',
  'unchanged',
  'already_loaded',
  'held',
  'failed',
  'refused',
] as const;
export type BatchFileStatus = (typeof BATCH_FILE_STATUSES)[number];

export interface BatchFileResult {
  readonly source: string;
  readonly file: string;
  readonly sheet: string | null;
  readonly member: string | null;
  readonly period: string | null;
  readonly mode: FileMode;
  /**
   * loaded; unchanged (the same content was loaded before: nothing to do); already_loaded (this
   * manifest loaded it in an earlier run); held (rolled back by a validation gate); failed;
   * refused (the source could not be registered)
   */
  readonly status: BatchFileStatus;
  readonly rows: number;
  readonly loadId: string | null;
  readonly fromCache: boolean | null;
  readonly error: { readonly code: string; readonly message: string; readonly hint: string | null } | null;
}

export interface BatchResult {
  readonly manifest: string;
  readonly name: string;
  readonly files: readonly BatchFileResult[];
  readonly registered: readonly string[];
  readonly refused: readonly { readonly source: string; readonly reason: string }[];
  readonly duplicates: readonly DuplicateReport[];
  readonly columnsDescribed: number;
  readonly failed: number;
  readonly state: string;
}

const OK: ReadonlySet<BatchFileStatus> = new Set(['loaded', 'unchanged', 'already_loaded']);

export async function loadBatch(pool: pg.Pool, opts: LoadBatchOptions): Promise<BatchResult> {
  const file = path.resolve(opts.manifest);
  const { manifest, warnings } = readManifest(file);
  for (const w of warnings) opts.onEvent?.({ kind: 'warning', message: formatProblem(file, w) });
  configDefaults(opts.config); // a bad `defaults:` stops the batch before anything runs
  const state = manifest.manifest.state;
  if ((state === 'archived' || state === 'deprecated') && !opts.force)
    throw new DatawarpError('USAGE', `the manifest is ${state}; nothing was loaded`, {
      file,
      hint: 'set state: back in the manifest if it should load again, or add --force',
    });
  const sources = selectSources(manifest, opts.only, file);
  const manifestId = await touchManifest(pool, manifest.manifest.name, file);
  await ensureManifestFiles(
    pool,
    manifestId,
    sources.flatMap((s) =>
      s.files.map((f) => ({
        source_code: s.code,
        file_key: fileEntryKey(f),
        url: fileLocator(f),
        period: f.period ?? null,
        mode: modeOf(s, f),
        sheet: f.sheet ?? null,
        member: f.extract ?? null,
      })),
    ),
  );
  const statusRows = new Map(
    (await listManifestFiles(pool, manifestId)).map((r) => [`${r.source_code}\u0000${r.file_key}`, r]),
  );
  const total = sources.reduce((n, s) => n + s.files.length, 0);
  const results: BatchFileResult[] = [];
  const registered: string[] = [];
  const refused: { source: string; reason: string }[] = [];
  const duplicates: DuplicateReport[] = [];
  const loadedSources = new Set<string>();
  let columnsDescribed = 0;
  const emit = (result: BatchFileResult) => {
    results.push(result);
    opts.onEvent?.({ kind: 'file', result, index: results.length, total });
  };

  for (const source of sources) {
    if (opts.signal?.aborted) break;
    const status = (f: ManifestFile) => statusRows.get(`${source.code}\u0000${fileEntryKey(f)}`)!;
    const ready = await ensureRegistered(pool, manifest, source, opts.config, opts.user);
    if (ready.kind === 'refused') {
      refused.push({ source: source.code, reason: ready.reason });
      opts.onEvent?.({ kind: 'refused', source: source.code, reason: ready.reason });
      for (const f of source.files) {
        await markFileDone(pool, status(f).id, {
          status: 'failed',
          errorCode: 'SOURCE_NOT_FOUND',
          errorMessage: ready.reason,
          errorHint: ready.hint,
        });
        emit(
          resultOf(source, f, 'refused', {
            error: { code: 'SOURCE_NOT_FOUND', message: ready.reason, hint: ready.hint },
          }),
        );
      }
      continue;
    }
    if (ready.kind === 'registered') {
      registered.push(source.code);
      opts.onEvent?.({ kind: 'registered', source: source.code });
    }
    let anyLoaded = false;
    let lastLoadId: string | null = null;
    for (const f of inPeriodOrder(source.files)) {
      if (opts.signal?.aborted) break;
      const row = status(f);
      if (row.status === 'loaded' && !opts.force) {
        emit(
          resultOf(source, f, 'already_loaded', { rows: Number(row.rows_loaded ?? 0), loadId: row.load_id }),
        );
        continue;
      }
      const result = await loadOneFile(pool, file, source, f, row, opts);
      if (result.status === 'loaded') {
        anyLoaded = true;
        lastLoadId = result.loadId;
      }
      emit(result);
    }
    if (anyLoaded) loadedSources.add(source.code);
    columnsDescribed += await describeColumns(pool, source);
    const target = await getSource(pool, source.code);
    if (target && anyLoaded) {
      const report = await detectDuplicates(
        pool,
        source.code,
        target.schema_name,
        target.table_name,
        modeOf(source, source.files[0]!),
        opts.config.validation.duplicate_check_max_rows,
      );
      if (report) {
        duplicates.push(report);
        if (lastLoadId) await recordDuplicateWarning(pool, lastLoadId, report);
      }
    }
  }

  const failed = results.filter((r) => !OK.has(r.status)).length;
  const newState = await recordManifestState(
    pool,
    file,
    manifestId,
    manifest,
    loadedSources,
    failed,
    (message) => opts.onEvent?.({ kind: 'warning', message }),
  );
  return {
    manifest: file,
    name: manifest.manifest.name,
    files: results,
    registered,
    refused,
    duplicates,
    columnsDescribed,
    failed,
    state: newState,
  };
}

function selectSources(
  manifest: Manifest,
  only: readonly string[] | undefined,
  file: string,
): ManifestSource[] {
  if (!only?.length) return manifest.sources.filter((s) => s.enabled);
  const unknown = only.filter((code) => !manifest.sources.some((s) => s.code === code));
  if (unknown.length)
    throw new DatawarpError('USAGE', `--only ${unknown.join(', ')}: no such source in the manifest`, {
      file,
      hint: `sources: ${manifest.sources.map((s) => s.code).join(', ')}`,
    });
  return manifest.sources.filter((s) => only.includes(s.code));
}

function modeOf(source: ManifestSource, f: ManifestFile): FileMode {
  return f.mode ?? source.load_mode ?? 'replace';
}

/** Earliest period first; files without a period first of all; same period keeps manifest order. */
export function inPeriodOrder(files: readonly ManifestFile[]): ManifestFile[] {
  const start = (f: ManifestFile) => {
    if (!f.period) return '';
    try {
      return parsePeriod(f.period).start;
    } catch {
      return f.period;
    }
  };
  return files
    .map((f, i) => ({ f, i, s: start(f) }))
    .sort((a, b) => a.s.localeCompare(b.s) || a.i - b.i)
    .map((x) => x.f);
}

async function loadOneFile(
  pool: pg.Pool,
  manifestFile: string,
  source: ManifestSource,
  f: ManifestFile,
  row: ManifestFileRow,
  opts: LoadBatchOptions,
): Promise<BatchFileResult> {
  await markFileRunning(pool, row.id);
  let fromCache: boolean | null = null;
  let sha256: string | null = null;
  try {
    const locator = fileLocator(f);
    let reference: string;
    let local: string;
    if (isUrl(locator)) {
      // fetch here, with --offline honoured; loadFile then finds the verified copy in the cache
      const got = await downloadToCache(opts.workspace, locator, {
        ...opts.download,
        offline: opts.offline,
        sourceCode: source.code,
        signal: opts.signal,
      });
      fromCache = got.fromCache;
      sha256 = got.sha256;
      reference = got.url;
      local = got.path;
    } else {
      reference = path.resolve(path.dirname(manifestFile), locator);
      local = reference;
    }
    const period = periodOf(f, manifestFile);
    const table =
      f.table_id ?? (f.extract || f.table_index ? await chooseManifestTable(local, reference, f) : undefined);
    const loaded: LoadResult = await loadFile(pool, {
      file: reference,
      workspace: opts.workspace,
      sheet: f.sheet,
      table,
      sourceCode: source.code,
      mode: modeOf(source, f),
      period,
      validate: opts.validate,
      force: opts.force,
      config: opts.config,
      user: opts.user,
      signal: opts.signal,
    });
    const status: BatchFileStatus =
      loaded.status === 'completed' ? 'loaded' : loaded.status === 'skipped' ? 'unchanged' : 'held';
    await markFileDone(pool, row.id, {
      status: status === 'held' ? 'failed' : status === 'unchanged' ? 'skipped' : 'loaded',
      localPath: local,
      loadId: loaded.loadId,
      sha256,
      rowsLoaded: loaded.rowsLoaded,
      errorCode: status === 'held' ? 'VALIDATION_FAILED' : null,
      errorMessage: status === 'held' ? heldMessage(loaded) : null,
    });
    return resultOf(source, f, status, {
      rows: loaded.rowsLoaded,
      loadId: loaded.loadId,
      fromCache,
      error:
        status === 'held' ? { code: 'VALIDATION_FAILED', message: heldMessage(loaded), hint: null } : null,
    });
  } catch (err) {
    const error = isDatawarpError(err)
      ? { code: err.code, message: err.oneLine(), hint: err.hint ?? null }
      : {
          code: 'INTERNAL',
          message: (err as Error)?.message ?? String(err),
          hint: 'this is a bug in datawarp',
        };
    // a cancelled file goes back to pending: nothing of it was loaded and nothing failed
    const cancelled = opts.signal?.aborted === true;
    await markFileDone(pool, row.id, {
      status: cancelled ? 'pending' : 'failed',
      errorCode: error.code,
      errorMessage: error.message,
      errorHint: error.hint,
    });
    return resultOf(source, f, 'failed', { fromCache, error });
  }
}

function periodOf(f: ManifestFile, manifestFile: string): Period | null {
  if (!f.period) return null;
  try {
    return parsePeriod(f.period);
  } catch {
    throw new DatawarpError(
      'MANIFEST_INVALID',
      `period ${JSON.stringify(f.period)} is not a period datawarp understands`,
      {
        file: manifestFile,
        hint: 'use 2025-11 (month), 2025-Q2, FY2025-26, 2025 or 2025-11-03',
      },
    );
  }
}

function heldMessage(loaded: LoadResult): string {
  const failing = loaded.validation.filter((g) => g.status === 'fail').map((g) => g.check_name);
  return `rolled back: validation failed (${failing.join(', ') || 'gates'})`;
}

function resultOf(
  source: ManifestSource,
  f: ManifestFile,
  status: BatchFileStatus,
  extra: Partial<Pick<BatchFileResult, 'rows' | 'loadId' | 'fromCache' | 'error'>> = {},
): BatchFileResult {
  return {
    source: source.code,
    file: fileLocator(f),
    sheet: f.sheet ?? null,
    member: f.extract ?? null,
    period: f.period ?? null,
    mode: modeOf(source, f),
    status,
    rows: extra.rows ?? 0,
    loadId: extra.loadId ?? null,
    fromCache: extra.fromCache ?? null,
    error: extra.error ?? null,
  };
}
