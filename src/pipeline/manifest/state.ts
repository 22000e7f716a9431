/**
 * What load-batch writes back: the manifest's state and `last_loaded` times (in the file, keeping
 * its comments, and in `datawarp.tbl_manifests`), and the manifest's column descriptions onto
 * the column metadata.
 */
import type pg from 'pg';
import { snakeCase } from '../../engine/index.js';
import { applyManifestColumns } from '../../warehouse/queries/manifest-columns.js';
import { listManifestFiles, setManifestState } from '../../warehouse/queries/manifest-files.js';
import { fileEntryKey } from './files.js';
import type { Manifest, ManifestSource } from './schema.js';
import { advanceState, updateManifestFile } from './write.js';

/** The manifest's `columns:` onto the column metadata rows of the source's table. */
export async function describeColumns(pool: pg.Pool, source: ManifestSource): Promise<number> {
  const columns = (source.columns ?? []).map((c) => ({
    original_name: c.original_name,
    column_name: snakeCase(c.semantic_name ?? c.original_name),
    semantic_name: c.semantic_name ?? null,
    description: c.description ?? null,
    is_dimension: c.is_dimension ?? null,
    is_measure: c.is_measure ?? null,
    query_keywords: c.query_keywords ?? null,
  }));
  return applyManifestColumns(pool, source.code, columns);
}

/**
 * `loaded` once every selected file has loaded (now or before); `last_loaded` on the manifest
 * and on each source that loaded something now. Written to the manifest file and the database.
 */
export async function recordManifestState(
  pool: pg.Pool,
  file: string,
  manifestId: string,
  manifest: Manifest,
  loadedSources: ReadonlySet<string>,
  failed: number,
  onWarning: (message: string) => void,
): Promise<string> {
  const rows = await listManifestFiles(pool, manifestId);
  const done = new Set(
    rows
      .filter((r) => r.status === 'loaded' || r.status === 'skipped')
      .map((r) => `${r.source_code}\u0000${r.file_key}`),
  );
  // every file of every enabled source, whether this run selected it or not
  const pending = manifest.sources
    .filter((s) => s.enabled)
    .flatMap((s) => s.files.map((f) => `${s.code}\u0000${fileEntryKey(f)}`))
    .filter((key) => !done.has(key));
  const current = manifest.manifest.state;
  const state = failed === 0 && pending.length === 0 ? advanceState(current, 'loaded') : current;
  const now = new Date();
  await setManifestState(pool, manifestId, state, loadedSources.size ? now : null);
  if (state === current && !loadedSources.size) return state;
  const stamp = now.toISOString();
  try {
    updateManifestFile(file, {
      state: state === current ? undefined : state,
      last_loaded: loadedSources.size ? stamp : undefined,
      sources: Object.fromEntries([...loadedSources].map((code) => [code, { last_loaded: stamp }])),
    });
  } catch (err) {
    // the loads are committed and recorded in the database; only the file could not say so
    onWarning(
      `${file}: could not record state ${state} and last_loaded in the manifest: ${(err as Error).message}`,
    );
  }
  return state;
}
