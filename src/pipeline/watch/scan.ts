import fs from 'node:fs';
import path from 'node:path';
import { DATA_KINDS, LOAD_TYPES, OUTCOME_FOLDERS, dropFolders, type DropFolder } from './tree.js';

/** A file sitting in a leaf of the drop tree, as one scan saw it. */
export interface DroppedFile {
  readonly path: string;
  readonly name: string;
  readonly folder: DropFolder;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Something in the tree the watcher will not load, and why. */
export interface IgnoredEntry {
  readonly path: string;
  readonly reason: string;
}

export interface ScanResult {
  readonly files: readonly DroppedFile[];
  readonly ignored: readonly IgnoredEntry[];
}

/**
 * Why a file name is not a finished drop, or null when it is one. Office lock files (`~$x.xlsx`),
 * browser and copy-tool partials and editor swap files appear while someone is still writing.
 */
export function ignoreReason(name: string): string | null {
  if (name.startsWith('.')) return 'hidden file';
  if (name.startsWith('~$') || name.startsWith('~')) return 'temporary file (Office lock or backup)';
  if (/\.(part|partial|crdownload|download|tmp|temp|swp|lock|filepart)$/i.test(name) || name.endsWith('~'))
    return 'temporary file (still being written)';
  if (/\.error\.json$/i.test(name)) return 'error report';
  return null;
}

const KNOWN_TOP = new Set<string>(DATA_KINDS);
const KNOWN_LEAF = new Set<string>(LOAD_TYPES);
const KNOWN_OUTCOME = new Set<string>(OUTCOME_FOLDERS);

/**
 * List the files waiting in the four leaves, and everything else the tree holds that will not be
 * loaded (files in the wrong place, hidden and temporary files). `processed/` and `error/` are
 * the watcher's own output and are not listed.
 */
export function scanDropTree(root: string): ScanResult {
  const files: DroppedFile[] = [];
  const ignored: IgnoredEntry[] = [];
  const misplaced = (p: string, reason: string) => ignored.push({ path: p, reason });

  for (const top of readDir(root)) {
    const p = path.join(root, top.name);
    if (!top.isDirectory()) misplaced(p, 'not inside reference_data_table/ or none_reference_data_table/');
    else if (!KNOWN_TOP.has(top.name)) misplaced(p, 'unknown folder');
    else {
      for (const mid of readDir(p)) {
        const q = path.join(p, mid.name);
        if (!mid.isDirectory()) misplaced(q, 'not inside fullload/ or append/');
        else if (!KNOWN_LEAF.has(mid.name)) misplaced(q, 'unknown folder');
      }
    }
  }

  for (const folder of dropFolders(root)) {
    for (const entry of readDir(folder.dir)) {
      const p = path.join(folder.dir, entry.name);
      if (entry.isDirectory() || KNOWN_OUTCOME.has(entry.name)) {
        if (!entry.isDirectory()) misplaced(p, `a file where the ${entry.name}/ folder belongs`);
        else if (!KNOWN_OUTCOME.has(entry.name)) misplaced(p, 'folders inside a drop folder are not read');
        continue;
      }
      if (!entry.isFile()) {
        misplaced(p, 'not a regular file');
        continue;
      }
      const reason = ignoreReason(entry.name);
      if (reason) {
        misplaced(p, reason);
        continue;
      }
      let stat: fs.Stats;
      try {
        stat = fs.statSync(p);
      } catch {
        continue; // gone between listing and stat: the next scan will not see it either
      }
      files.push({ path: p, name: entry.name, folder, size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, ignored };
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Remembers what was already reported, so each ignored entry is reported once per watcher. */
export class IgnoredReporter {
  private readonly seen = new Set<string>();

  /** The entries not reported before; forgets entries that have disappeared. */
  fresh(entries: readonly IgnoredEntry[]): IgnoredEntry[] {
    const now = new Set(entries.map((e) => e.path));
    for (const p of this.seen) if (!now.has(p)) this.seen.delete(p);
    const out = entries.filter((e) => !this.seen.has(e.path));
    for (const e of out) this.seen.add(e.path);
    return out;
  }
}
