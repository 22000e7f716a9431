/**
 * ZIP sources: each data member is a source of its own. Member names are untrusted: a name that
 * could escape a folder (`..`, absolute, a drive letter, a backslash path) is refused, never
 * resolved. Inflation is bounded per member and in total (zip-bounds.ts) and checked on the bytes
 * actually inflated, so lying headers do not help a bomb. Members that hold no tables (PDF,
 * images, documents) are skipped and listed.
 */
import fs from 'node:fs';
import yauzl from 'yauzl';
import { DatawarpError } from '../../errors.js';
import type { FileFormat } from '../table-spec.js';
import {
  ARCHIVE_LIMITS,
  checkDeclared,
  listEntries,
  streamEntry,
  truncated,
  type ZipLimits,
} from './zip-bounds.js';

export interface ZipMember {
  readonly name: string;
  /** the member's format by its name, null when it holds no tables */
  readonly format: FileFormat | null;
  readonly bytes: number;
}

const DATA_EXTENSIONS: Record<string, FileFormat> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  tab: 'csv',
  psv: 'csv',
  dat: 'csv',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  xls: 'xls',
  ods: 'ods',
  zip: 'zip',
};

export function memberFormat(name: string): FileFormat | null {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return ext ? (DATA_EXTENSIONS[ext] ?? null) : null;
}

/** Throws ZIP_UNSAFE for a member name that could point outside the archive's folder. */
export function checkMemberName(name: string, file: string): void {
  const unsafe =
    name.includes('\0') ||
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.split('/').some((part) => part === '..');
  if (unsafe) {
    throw new DatawarpError(
      'ZIP_UNSAFE',
      `member path ${JSON.stringify(name.slice(0, 80))} would escape the archive`,
      {
        file,
        location: { member: name.slice(0, 80) },
        hint: 'the archive is malformed or malicious; datawarp will not read it',
      },
    );
  }
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings false: names come as bytes and checkMemberName judges them, with one clear error
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false },
      (err, zip) => (err || !zip ? reject(truncated(path, err)) : resolve(zip)),
    );
  });
}

function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer | string;
  if (typeof raw === 'string') return raw;
  // bit 11: UTF-8 names; otherwise CP437, read as latin1 (close enough for ASCII-heavy names)
  return raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
}

async function withZip<T>(
  path: string,
  limits: ZipLimits,
  fn: (zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>) => Promise<T>,
): Promise<T> {
  const zip = await openZip(path);
  try {
    const entries = new Map<string, yauzl.Entry>();
    for (const entry of await listEntries(zip, path, limits)) {
      const name = entryName(entry);
      checkMemberName(name, path);
      entries.set(name, entry);
    }
    return await fn(zip, entries);
  } finally {
    zip.close();
  }
}

/** The archive's file members (folders left out), with their formats. */
export async function listZipMembers(path: string, limits: ZipLimits = ARCHIVE_LIMITS): Promise<ZipMember[]> {
  return withZip(path, limits, async (_zip, entries) =>
    [...entries]
      .filter(([name]) => !name.endsWith('/'))
      .map(([name, e]) => {
        checkDeclared(e, path, limits);
        return { name, format: memberFormat(name), bytes: e.uncompressedSize };
      }),
  );
}

function missing(path: string, member: string): DatawarpError {
  return new DatawarpError('NOT_FOUND', `no member ${JSON.stringify(member)} in the archive`, {
    file: path,
    hint: 'list the members with `datawarp detect FILE`',
  });
}

/** One member inflated in memory (workbooks, nested ZIPs), within the limits. */
export async function readZipMember(
  path: string,
  member: string,
  limits: ZipLimits = ARCHIVE_LIMITS,
): Promise<Buffer> {
  return withZip(path, limits, async (zip, entries) => {
    const entry = entries.get(member);
    if (!entry) throw missing(path, member);
    const chunks: Buffer[] = [];
    await streamEntry(zip, entry, path, limits, (c) => {
      chunks.push(c);
    });
    return Buffer.concat(chunks);
  });
}

/** One member inflated to a file (delimited text, which readers stream from a path). */
export async function extractZipMember(
  path: string,
  member: string,
  target: string,
  limits: ZipLimits = ARCHIVE_LIMITS,
): Promise<number> {
  return withZip(path, limits, async (zip, entries) => {
    const entry = entries.get(member);
    if (!entry) throw missing(path, member);
    const out = fs.createWriteStream(target, { flags: 'wx' });
    try {
      // hold the inflater while the disk catches up: memory stays flat for a large member
      const n = await streamEntry(zip, entry, path, limits, (c) =>
        out.write(c) ? undefined : new Promise<void>((resolve) => out.once('drain', resolve)),
      );
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
      return n;
    } catch (err) {
      out.destroy();
      throw err;
    }
  });
}
