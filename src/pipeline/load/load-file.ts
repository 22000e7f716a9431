import path from 'node:path';
import type pg from 'pg';
import {
  detectFile,
  readTableBatches,
  refineTable,
  type FileSpec,
  type TableSpec,
} from '../../engine/index.js';
import { isGzipFile } from '../../engine/read/file-sample.js';
import { DatawarpError } from '../../errors.js';
import { downloadToCache } from '../../storage/download.js';
import type { Workspace } from '../../storage/workspace.js';
import { loadTable } from './load-table.js';
import type { LoadResult, LoadTableOptions, TableSource } from './types.js';

/**
 * `datawarp load FILE|URL`: fetch (URLs through the download cache), sniff + infer, pick the
 * table, and hand it to `loadTable`. The CLI and the service both call this.
 */
export interface LoadFileOptions extends LoadTableOptions {
  /** a path or an http(s) URL */
  readonly file: string;
  readonly workspace: Workspace;
  /** the table to load, by id (`datawarp detect` lists them) or name, when the file holds several */
  readonly table?: string;
  readonly sheet?: string;
  /** fetch a URL again even when the cache holds it */
  readonly refresh?: boolean;
}

export function isUrl(reference: string): boolean {
  return /^https?:\/\//i.test(reference);
}

interface Fetched {
  readonly path: string;
  readonly name: string;
  readonly url?: string;
  /** known for downloads (the cache hashes what it stores) */
  readonly sha256?: string;
}

async function fetchFile(opts: LoadFileOptions): Promise<Fetched> {
  if (!isUrl(opts.file)) return { path: path.resolve(opts.file), name: path.basename(opts.file) };
  const got = await downloadToCache(opts.workspace, opts.file, {
    sourceCode: opts.sourceCode,
    refresh: opts.refresh,
  });
  return { path: got.path, name: path.basename(got.path), url: got.url, sha256: got.sha256 };
}

/** The data table to load: the one named, or the only one. */
export function chooseTable(spec: FileSpec, wanted: string | undefined, reference: string): TableSpec {
  const data = spec.tables.filter((t) => t.kind === 'data');
  if (wanted !== undefined) {
    const found = spec.tables.find((t) => t.id === wanted) ?? spec.tables.find((t) => t.name === wanted);
    if (found) return found;
    throw new DatawarpError('NO_TABLE', `no table ${JSON.stringify(wanted)} in this file`, {
      file: reference,
      hint: `tables found: ${spec.tables.map((t) => t.id).join(', ') || 'none'} (see \`datawarp detect ${reference}\`)`,
    });
  }
  if (data.length === 1) return data[0]!;
  if (!data.length) {
    throw new DatawarpError('NO_TABLE', 'no data table found in this file', {
      file: reference,
      hint: `see what datawarp found with \`datawarp detect ${reference}\``,
    });
  }
  throw new DatawarpError('USAGE', `this file holds ${data.length} data tables; say which one to load`, {
    file: reference,
    hint: `add --table with one of: ${data.map((t) => `${t.id} (${t.name})`).join(', ')}`,
  });
}

export async function loadFile(pool: pg.Pool, opts: LoadFileOptions): Promise<LoadResult> {
  const startedAt = opts.startedAt ?? Date.now();
  const fetched = await fetchFile(opts);
  const spec = await detectFile(fetched.path, {
    sheet: opts.sheet,
    displayName: fetched.name,
    url: fetched.url,
    // the load hashes the bytes as it copies them, or the download cache already has
    hash: false,
  });
  const table = chooseTable(spec, opts.table, opts.file);
  const withTable = (t: TableSpec): FileSpec => ({
    ...spec,
    tables: spec.tables.map((x) => (x.id === t.id ? t : x)),
  });
  const source: TableSource = {
    file: {
      reference: fetched.url ?? fetched.path,
      name: fetched.name,
      sha256: spec.sha256 ?? fetched.sha256 ?? null,
      bytes: spec.bytes,
      path: fetched.path,
    },
    spec,
    table,
    read: (t, signal) => readTableBatches(fetched.path, withTable(t), t.id, { values: 'typed', signal }),
    refine: () => refineTable(fetched.path, spec, table.id),
    raw:
      spec.format === 'csv'
        ? {
            path: fetched.path,
            gzip: await isGzipFile(fetched.path),
            encoding: spec.encoding,
            dialect: spec.dialect,
          }
        : undefined,
  };
  return loadTable(pool, source, { ...opts, startedAt });
}
