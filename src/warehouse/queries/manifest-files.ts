import type pg from 'pg';
import { jsonb } from './jsonb.js';

/** Statuses of one manifest file entry (migrations/0004_manifest_files.sql). */
export const MANIFEST_FILE_STATUSES = ['pending', 'running', 'loaded', 'failed', 'skipped'] as const;
export type ManifestFileStatus = (typeof MANIFEST_FILE_STATUSES)[number];

export interface ManifestRow {
  manifest_id: string;
  manifest_name: string;
  manifest_path: string;
  state: string;
  first_run_at: Date;
  last_run_at: Date;
  last_loaded_at: Date | null;
}

export interface ManifestFileRow {
  id: string;
  manifest_id: string;
  source_code: string;
  file_key: string;
  url: string | null;
  local_path: string | null;
  period: string | null;
  mode: string | null;
  sheet: string | null;
  member: string | null;
  status: ManifestFileStatus;
  attempts: number;
  load_id: string | null;
  file_sha256: string | null;
  rows_loaded: string | null;
  error_code: string | null;
  error_message: string | null;
  error_hint: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  updated_at: Date;
}

export interface ManifestFileEntry {
  source_code: string;
  file_key: string;
  url: string | null;
  period: string | null;
  mode: string;
  sheet: string | null;
  member: string | null;
}

/** Record a run of the manifest named `name` (found at `path` this time); returns its id. */
export async function touchManifest(
  db: pg.ClientBase | pg.Pool,
  name: string,
  path: string,
): Promise<string> {
  const { rows } = await db.query<{ manifest_id: string }>(
    `INSERT INTO datawarp.tbl_manifests (manifest_name, manifest_path)
     VALUES ($1, $2)
     ON CONFLICT (manifest_name) DO UPDATE SET manifest_path = EXCLUDED.manifest_path, last_run_at = now()
     RETURNING manifest_id`,
    [name, path],
  );
  return rows[0]!.manifest_id;
}

export async function getManifest(db: pg.ClientBase | pg.Pool, name: string): Promise<ManifestRow | null> {
  const { rows } = await db.query<ManifestRow>(
    `SELECT * FROM datawarp.tbl_manifests WHERE manifest_name = $1`,
    [name],
  );
  return rows[0] ?? null;
}

export async function setManifestState(
  db: pg.ClientBase | pg.Pool,
  manifestId: string,
  state: string,
  loadedAt: Date | null,
): Promise<void> {
  await db.query(
    `UPDATE datawarp.tbl_manifests
        SET state = $2, last_loaded_at = coalesce($3, last_loaded_at)
      WHERE manifest_id = $1`,
    [manifestId, state, loadedAt],
  );
}

export async function listManifestFiles(
  db: pg.ClientBase | pg.Pool,
  manifestId: string,
): Promise<ManifestFileRow[]> {
  const { rows } = await db.query<ManifestFileRow>(
    `SELECT * FROM datawarp.tbl_manifest_files WHERE manifest_id = $1 ORDER BY source_code, period NULLS FIRST, id`,
    [manifestId],
  );
  return rows;
}

/** Make sure every entry has a status row (new ones start `pending`); existing rows keep theirs. */
export async function ensureManifestFiles(
  db: pg.ClientBase | pg.Pool,
  manifestId: string,
  entries: readonly ManifestFileEntry[],
): Promise<void> {
  if (!entries.length) return;
  await db.query(
    `INSERT INTO datawarp.tbl_manifest_files (manifest_id, source_code, file_key, url, period, mode, sheet, member)
     SELECT $1, e.source_code, e.file_key, e.url, e.period, e.mode, e.sheet, e.member
       FROM jsonb_to_recordset($2::jsonb)
         AS e(source_code text, file_key text, url text, period text, mode text, sheet text, member text)
     ON CONFLICT (manifest_id, source_code, file_key) DO UPDATE SET mode = EXCLUDED.mode`,
    [manifestId, jsonb(entries)],
  );
}

export async function markFileRunning(db: pg.ClientBase | pg.Pool, id: string): Promise<void> {
  await db.query(
    `UPDATE datawarp.tbl_manifest_files
        SET status = 'running', attempts = attempts + 1, started_at = now(), completed_at = NULL,
            error_code = NULL, error_message = NULL, error_hint = NULL, updated_at = now()
      WHERE id = $1`,
    [id],
  );
}

export interface FileOutcome {
  status: Exclude<ManifestFileStatus, 'running'>;
  localPath?: string | null;
  loadId?: string | null;
  sha256?: string | null;
  rowsLoaded?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  errorHint?: string | null;
}

export async function markFileDone(
  db: pg.ClientBase | pg.Pool,
  id: string,
  outcome: FileOutcome,
): Promise<void> {
  await db.query(
    `UPDATE datawarp.tbl_manifest_files
        SET status = $2, local_path = coalesce($3, local_path), load_id = coalesce($4, load_id),
            file_sha256 = coalesce($5, file_sha256), rows_loaded = coalesce($6, rows_loaded),
            error_code = $7, error_message = $8, error_hint = $9,
            completed_at = now(), updated_at = now()
      WHERE id = $1`,
    [
      id,
      outcome.status,
      outcome.localPath ?? null,
      outcome.loadId ?? null,
      outcome.sha256 ?? null,
      outcome.rowsLoaded ?? null,
      outcome.errorCode ?? null,
      outcome.errorMessage ?? null,
      outcome.errorHint ?? null,
    ],
  );
}
