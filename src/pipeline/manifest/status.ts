/**
 * `datawarp manifest status MANIFEST`: each file entry of the manifest with what load-batch last
 * did to it (from `datawarp.tbl_manifest_files`); entries never run are `pending`.
 */
import path from 'node:path';
import type pg from 'pg';
import {
  getManifest,
  listManifestFiles,
  type ManifestFileStatus,
} from '../../warehouse/queries/manifest-files.js';
import { fileEntryKey, fileLocator } from './files.js';
import { readManifest } from './parse.js';

export interface ManifestFileState {
  readonly source: string;
  readonly enabled: boolean;
  readonly file: string;
  readonly sheet: string | null;
  readonly member: string | null;
  readonly period: string | null;
  readonly status: ManifestFileStatus;
  readonly attempts: number;
  readonly rows: number | null;
  readonly loadId: string | null;
  readonly error: string | null;
  readonly hint: string | null;
  readonly updatedAt: Date | null;
}

export interface ManifestStatus {
  readonly manifest: string;
  readonly name: string;
  /** the state written in the manifest file */
  readonly state: string;
  readonly lastRunAt: Date | null;
  readonly lastLoadedAt: Date | null;
  readonly files: readonly ManifestFileState[];
  readonly counts: Readonly<Record<ManifestFileStatus, number>>;
}

export async function manifestStatus(
  db: pg.Pool | pg.ClientBase,
  manifestPath: string,
): Promise<ManifestStatus> {
  const file = path.resolve(manifestPath);
  const { manifest } = readManifest(file);
  const run = await getManifest(db, manifest.manifest.name);
  const rows = run ? await listManifestFiles(db, run.manifest_id) : [];
  const byKey = new Map(rows.map((r) => [`${r.source_code}\u0000${r.file_key}`, r]));
  const files: ManifestFileState[] = manifest.sources.flatMap((s) =>
    s.files.map((f) => {
      const r = byKey.get(`${s.code}\u0000${fileEntryKey(f)}`);
      return {
        source: s.code,
        enabled: s.enabled,
        file: fileLocator(f),
        sheet: f.sheet ?? null,
        member: f.extract ?? null,
        period: f.period ?? null,
        status: r?.status ?? 'pending',
        attempts: r?.attempts ?? 0,
        rows: r?.rows_loaded == null ? null : Number(r.rows_loaded),
        loadId: r?.load_id ?? null,
        error: r?.error_message ?? null,
        hint: r?.error_hint ?? null,
        updatedAt: r?.updated_at ?? null,
      };
    }),
  );
  const counts = { pending: 0, running: 0, loaded: 0, failed: 0, skipped: 0 };
  for (const f of files) if (f.enabled || f.status !== 'pending') counts[f.status]++;
  return {
    manifest: file,
    name: manifest.manifest.name,
    state: manifest.manifest.state,
    lastRunAt: run?.last_run_at ?? null,
    lastLoadedAt: run?.last_loaded_at ?? null,
    files,
    counts,
  };
}
