/**
 * ZIP sources: each data member is detected by its own format's reader and its tables are listed
 * with `member` set; members that hold no tables (a PDF specification) are skipped and named in
 * `skipped`. A member is inflated (within the limits of read/zip-bounds.ts) to a private temporary
 * file because the text reader streams from a path; the file is removed right after use.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DetectOptions, ReadOptions, Row } from './api.js';
import { DatawarpError } from '../errors.js';
import { detectPeriod } from './period.js';
import { sha256File } from './read/sha256.js';
import { extractZipMember, listZipMembers } from './read/zip.js';
import { sniffFormat } from './sniff/format.js';
import type { Dialect, FileFormat, FileSpec, TableSpec } from './table-spec.js';

/** What the ZIP reader needs of another format's reader. */
export interface MemberReader {
  detect(path: string, options: DetectOptions): Promise<FileSpec>;
  read(path: string, spec: FileSpec, tableId: string, options: ReadOptions): AsyncIterable<Row>;
  refine(path: string, spec: FileSpec, tableId: string): Promise<TableSpec>;
}

/** Per-member facts a ZIP's FileSpec carries so a read replays without detection. */
export interface ZipMemberSpec {
  readonly member: string;
  readonly format: FileFormat;
  readonly bytes: number;
  readonly sha256: string | null;
  readonly encoding: string | null;
  readonly dialect?: Dialect;
}

export type ZipFileSpec = FileSpec & {
  readonly members?: readonly ZipMemberSpec[];
  readonly skipped?: readonly string[];
};

/** Nested archives deeper than this are refused (a ZIP of ZIPs of ZIPs is a bomb pattern). */
const MAX_DEPTH = 2;
/** `outer.zip` member `inner.zip`, member `data.csv` → `inner.zip!/data.csv` */
const NEST = '!/';

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'datawarp-zip-'));
  try {
    return await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** A member's error names the archive and the member, so the user knows which file failed. */
function inMember(err: unknown, file: string, member: string): unknown {
  if (!(err instanceof DatawarpError) || err.location?.member) return err;
  return new DatawarpError(err.code, err.message, {
    file,
    location: { ...err.location, member },
    ...(err.hint ? { hint: err.hint } : {}),
    exitCode: err.exitCode,
    cause: err,
  });
}

export function zipReader(readerFor: (format: FileFormat, path: string) => MemberReader) {
  async function detect(file: string, options: DetectOptions = {}, depth = 0): Promise<ZipFileSpec> {
    const stat = await fsp.stat(file);
    const members = await listZipMembers(file);
    const tables: TableSpec[] = [];
    const memberSpecs: ZipMemberSpec[] = [];
    const skipped: string[] = [];
    let memberPeriod: FileSpec['period'] = null;
    for (const m of members) {
      if (!m.format || (m.format === 'zip' && depth + 1 >= MAX_DEPTH)) {
        skipped.push(m.name);
        continue;
      }
      await withTemp(async (dir) => {
        const local = path.join(dir, `member${path.extname(m.name)}`);
        await extractZipMember(file, m.name, local);
        // the bytes decide, the name only breaks ties (a `.xls` that is really CSV happens)
        const format = await sniffFormat(local, m.name);
        if (format === 'zip' && depth + 1 >= MAX_DEPTH) {
          skipped.push(m.name);
          return;
        }
        const memberOptions: DetectOptions = { ...options, displayName: path.posix.basename(m.name) };
        let spec: ZipFileSpec;
        try {
          spec =
            format === 'zip'
              ? await detect(local, memberOptions, depth + 1)
              : await readerFor(format, local).detect(local, memberOptions);
        } catch (err) {
          // `--sheet S` on an archive: members without that sheet are passed over
          if (options.sheet !== undefined && err instanceof DatawarpError && err.code === 'NOT_FOUND') {
            skipped.push(m.name);
            return;
          }
          throw inMember(err, file, m.name);
        }
        memberPeriod ??= spec.period;
        const prefix = (inner: string | null) => (inner ? `${m.name}${NEST}${inner}` : m.name);
        for (const t of spec.tables)
          tables.push({ ...t, id: `t${tables.length + 1}`, member: prefix(t.member) });
        if (spec.members) for (const s of spec.members) memberSpecs.push({ ...s, member: prefix(s.member) });
        else {
          memberSpecs.push({
            member: m.name,
            format: spec.format,
            bytes: spec.bytes,
            sha256: spec.sha256,
            encoding: spec.encoding,
            ...(spec.dialect ? { dialect: spec.dialect } : {}),
          });
        }
        for (const s of spec.skipped ?? []) skipped.push(prefix(s));
      });
    }
    // a nested archive without tables is one more skipped member; only the outer one refuses
    if (!tables.length && depth === 0) {
      const what =
        options.sheet !== undefined
          ? `no member of the archive has a sheet ${JSON.stringify(options.sheet)}`
          : 'the archive holds no CSV, Excel or ODS member';
      throw new DatawarpError('NO_TABLE', what, {
        file,
        hint: skipped.length ? `members: ${skipped.slice(0, 5).join(', ')}` : 'the archive is empty',
      });
    }
    return {
      file,
      format: 'zip',
      bytes: stat.size,
      sha256: await sha256File(file),
      encoding: null,
      period: detectPeriod(options.displayName ?? path.basename(file), options.url) ?? memberPeriod,
      tables,
      members: memberSpecs,
      skipped,
    };
  }

  function locate(file: string, spec: ZipFileSpec, tableId: string) {
    const table = spec.tables.find((t) => t.id === tableId);
    if (!table || !table.member) {
      throw new DatawarpError('NOT_FOUND', `no table ${tableId} in this archive`, {
        file,
        hint: `tables: ${spec.tables.map((t) => t.id).join(', ') || 'none'}`,
      });
    }
    const memberSpec = spec.members?.find((m) => m.member === table.member);
    if (!memberSpec) {
      throw new DatawarpError('NOT_FOUND', `the spec does not describe member ${table.member}`, {
        file,
        hint: 'detect the archive again',
      });
    }
    return { table, memberSpec, chain: table.member.split(NEST) };
  }

  /** Inflate the member (through nested archives) into a private folder; the caller removes it. */
  async function materialise(file: string, chain: readonly string[], dir: string): Promise<string> {
    let source = file;
    for (const [i, name] of chain.entries()) {
      const local = path.join(dir, `member${i}${path.extname(name)}`);
      await extractZipMember(source, name, local);
      source = local;
    }
    return source;
  }

  function memberFileSpec(local: string, memberSpec: ZipMemberSpec, table: TableSpec): FileSpec {
    return {
      file: local,
      format: memberSpec.format,
      bytes: memberSpec.bytes,
      sha256: memberSpec.sha256,
      encoding: memberSpec.encoding,
      ...(memberSpec.dialect ? { dialect: memberSpec.dialect } : {}),
      period: null,
      tables: [{ ...table, member: null }],
    };
  }

  async function* read(
    file: string,
    spec: ZipFileSpec,
    tableId: string,
    options: ReadOptions,
  ): AsyncGenerator<Row> {
    const { table, memberSpec, chain } = locate(file, spec, tableId);
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'datawarp-zip-'));
    try {
      const local = await materialise(file, chain, dir);
      const sub = memberFileSpec(local, memberSpec, table);
      yield* readerFor(memberSpec.format, local).read(local, sub, table.id, options);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }

  /** Exact types and row count from every row of the member (the text reader samples at detect). */
  async function refine(file: string, spec: ZipFileSpec, tableId: string): Promise<TableSpec> {
    const { table, memberSpec, chain } = locate(file, spec, tableId);
    return withTemp(async (dir) => {
      const local = await materialise(file, chain, dir);
      const sub = memberFileSpec(local, memberSpec, table);
      const refined = await readerFor(memberSpec.format, local).refine(local, sub, table.id);
      return { ...refined, id: table.id, member: table.member };
    });
  }

  return {
    detect: (file: string, options: DetectOptions) => detect(file, options),
    read: (file: string, spec: FileSpec, tableId: string, options: ReadOptions) =>
      read(file, spec as ZipFileSpec, tableId, options),
    refine: (file: string, spec: FileSpec, tableId: string) => refine(file, spec as ZipFileSpec, tableId),
  };
}
