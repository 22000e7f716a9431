/**
 * A manifest file entry names a file (a URL, or a path relative to the manifest) and, inside it,
 * a ZIP member and/or a sheet. This turns an entry into a local file: downloaded through the
 * download cache, or resolved on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatawarpError } from '../../errors.js';
import { downloadToCache, safeDecode, type DownloadOptions } from '../../storage/download.js';
import type { Workspace } from '../../storage/workspace.js';
import type { ManifestFile } from './schema.js';

/** The URL or path of a file entry, as written. */
export function fileLocator(file: Pick<ManifestFile, 'url' | 'path'>): string {
  return (file.path ?? file.url)!;
}

/** A scheme like `https://` (but not a Windows drive letter such as `C:\`). */
export function isUrl(locator: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(locator);
}

/**
 * A stable key for one file entry of a source: what load-batch's status table is keyed by, so a
 * re-run recognises the files it already loaded.
 */
export function fileEntryKey(file: ManifestFile): string {
  const parts = [fileLocator(file)];
  if (file.extract) parts.push(`member=${file.extract}`);
  if (file.sheet) parts.push(`sheet=${file.sheet}`);
  if (file.table_index) parts.push(`table=${file.table_index}`);
  if (file.table_id) parts.push(`table_id=${file.table_id}`);
  parts.push(`period=${file.period ?? ''}`);
  return parts.join(' | ');
}

/** The name a person would call the file: the URL's last segment, decoded. */
export function displayNameOf(locator: string): string {
  const last = isUrl(locator)
    ? (new URL(locator).pathname.split('/').filter(Boolean).pop() ?? locator)
    : path.basename(locator);
  return safeDecode(last);
}

export interface LocalFile {
  readonly path: string;
  readonly url: string | null;
  readonly sha256: string | null;
  readonly fromCache: boolean;
}

/** Make a file entry local: download a URL (through the cache) or resolve a path. */
export async function fetchManifestFile(
  ws: Workspace,
  manifestFile: string,
  entry: ManifestFile,
  options: DownloadOptions,
): Promise<LocalFile> {
  const locator = fileLocator(entry);
  if (isUrl(locator)) {
    const got = await downloadToCache(ws, locator, options);
    return { path: got.path, url: got.url, sha256: got.sha256, fromCache: got.fromCache };
  }
  const absolute = path.resolve(path.dirname(path.resolve(manifestFile)), locator);
  if (!fs.existsSync(absolute))
    throw new DatawarpError('FILE_NOT_FOUND', 'file not found', {
      file: absolute,
      hint: 'local paths in a manifest are relative to the manifest file',
    });
  return { path: absolute, url: null, sha256: null, fromCache: false };
}
