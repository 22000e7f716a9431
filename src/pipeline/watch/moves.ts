import fs from 'node:fs';
import path from 'node:path';

/**
 * Moving a dropped file to `processed/` or `error/`. The file's bytes are never rewritten: a
 * rename within the tree, or (across file systems) a copy that is checked before the original
 * goes. An existing file of the same name is never overwritten.
 */

/** `20261122T031500` in UTC: sorts by time and is safe in any file system. */
export function stamp(date: Date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '');
}

/** Where a file goes: `<leaf>/<outcome>/<stamp>_<name>`, suffixed `-2`, `-3` if that is taken. */
export function outcomePath(filePath: string, outcome: 'processed' | 'error', at: Date = new Date()): string {
  const dir = path.join(path.dirname(filePath), outcome);
  const base = `${stamp(at)}_${path.basename(filePath)}`;
  let candidate = path.join(dir, base);
  for (let n = 2; exists(candidate) || exists(errorReportPath(candidate)); n++) {
    candidate = path.join(dir, `${stamp(at)}-${n}_${path.basename(filePath)}`);
  }
  return candidate;
}

export function errorReportPath(movedPath: string): string {
  return `${movedPath}.error.json`;
}

function exists(p: string): boolean {
  return fs.existsSync(p);
}

/** Move `from` to `to` (whose folder is created if missing); never overwrites. */
export function moveFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (exists(to)) throw new Error(`refusing to overwrite ${to}`);
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    if (fs.statSync(to).size !== fs.statSync(from).size) {
      fs.rmSync(to);
      throw new Error(`copy of ${from} to ${to} is incomplete`, { cause: err });
    }
    fs.rmSync(from);
  }
}

/** Write a small JSON file whole or not at all (write aside, then rename). */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${path.dirname(file)}/.${path.basename(file)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** A committed file could not be moved to where its tracking row says it went. */
export class MoveFailed extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
    cause: unknown,
  ) {
    super(`loaded, but could not move it to ${to}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'MoveFailed';
  }
}
