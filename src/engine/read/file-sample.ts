/**
 * The bounded reads detection makes on a file: its head and tail (so sniffing time does not grow
 * with file size), plus one sequential pass for the SHA-256 and the physical line count.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { DatawarpError } from '../../errors.js';

export const HEAD_BYTES = 1 << 20;
export const TAIL_BYTES = 64 * 1024;

export interface FileSample {
  readonly bytes: number;
  readonly head: Buffer;
  /** the last bytes, when the head does not already hold the whole file */
  readonly tail: Buffer | null;
  readonly whole: boolean;
  /** the file is gzip-compressed; head (and the digest's tail) are decompressed text */
  readonly gzip: boolean;
}

/** True when the file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function damagedGzip(path: string, cause: unknown): DatawarpError {
  return new DatawarpError('FILE_TRUNCATED', 'the gzip data is damaged or cut short', {
    file: path,
    hint: 'download the file again; `gzip -t` checks it',
    cause,
  });
}

/** The decompressed bytes of a gzip file, streamed; errors become FILE_TRUNCATED. */
export async function* gunzipChunks(path: string): AsyncGenerator<Buffer> {
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = source.pipe(createGunzip()) as Readable;
  source.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw damagedGzip(path, err);
    throw err;
  } finally {
    gunzip.destroy();
    source.destroy();
  }
}

async function gzipHead(path: string, headBytes: number): Promise<{ head: Buffer; whole: boolean }> {
  const parts: Buffer[] = [];
  let got = 0;
  for await (const chunk of gunzipChunks(path)) {
    parts.push(chunk);
    got += chunk.length;
    if (got > headBytes) return { head: Buffer.concat(parts).subarray(0, headBytes), whole: false };
  }
  return { head: Buffer.concat(parts), whole: true };
}

export async function readSample(
  path: string,
  headBytes = HEAD_BYTES,
  tailBytes = TAIL_BYTES,
): Promise<FileSample> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile())
      throw new DatawarpError('FILE_UNSUPPORTED', 'not a regular file', {
        file: path,
        hint: 'give the path of a file',
      });
    size = st.size;
  } catch (err) {
    if (err instanceof DatawarpError) throw err;
    throw new DatawarpError('FILE_NOT_FOUND', 'file not found or not readable', {
      file: path,
      hint: 'check the path and that you may read it',
      cause: err,
    });
  }
  if (size === 0)
    throw new DatawarpError('FILE_EMPTY', 'the file is empty', {
      file: path,
      hint: 'nothing to load: check the download or export',
    });
  if (await isGzipFile(path)) {
    const { head, whole } = await gzipHead(path, headBytes);
    if (head.length === 0) {
      throw new DatawarpError('FILE_EMPTY', 'the compressed file holds nothing', {
        file: path,
        hint: 'nothing to load: check the download or export',
      });
    }
    // the tail of a compressed file comes from the digest pass, which decompresses it all
    return { bytes: size, head, tail: null, whole, gzip: true };
  }
  const fh = await open(path, 'r');
  try {
    const headLen = Math.min(size, headBytes);
    const head = Buffer.alloc(headLen);
    await fh.read(head, 0, headLen, 0);
    let tail: Buffer | null = null;
    if (size > headLen) {
      const tailLen = Math.min(tailBytes, size - headLen);
      tail = Buffer.alloc(tailLen);
      await fh.read(tail, 0, tailLen, size - tailLen);
    }
    return { bytes: size, head, tail, whole: size <= headLen, gzip: false };
  } finally {
    await fh.close();
  }
}

export interface FileDigest {
  /** null when the pass was asked not to hash */
  readonly sha256: string | null;
  /** count of the byte `lineByte` (10 for `\n`, 13 for CR-only files) in the (decompressed) text */
  readonly breaks: number;
  /** whether the last byte is a line break (so the last line is not an extra one) */
  readonly endsWithBreak: boolean;
  /** for gzip files: the last decompressed bytes (the tail sample) */
  readonly tail: Buffer | null;
}

function countByte(chunk: Buffer, byte: number): number {
  let n = 0;
  for (let i = chunk.indexOf(byte); i >= 0; i = chunk.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * SHA-256 of the file's bytes (unless `hash` is false: it is most of the pass's time) and
 * line-break count of its text in one sequential pass (flat memory). A gzip file is hashed as
 * stored and decompressed for the count and the tail.
 */
export async function digestFile(
  path: string,
  lineByte = 10,
  gzip = false,
  { hash: hashing = true, tailBytes = TAIL_BYTES }: { hash?: boolean; tailBytes?: number } = {},
): Promise<FileDigest> {
  const hash = hashing ? createHash('sha256') : null;
  let breaks = 0;
  let last = -1;
  if (!gzip) {
    // two buffers read into in turn, the next read under way while this chunk is counted: a
    // third of the time of a stream's fresh 1 MB chunks (no garbage to collect, no idle waits),
    // which a load pays before it can start
    const fh = await open(path, 'r');
    try {
      const buffers = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
      let position = 0;
      let turn = 0;
      let next = fh.read(buffers[0]!, 0, 1 << 20, 0);
      for (;;) {
        const { bytesRead, buffer } = await next;
        if (bytesRead === 0) break;
        position += bytesRead;
        turn ^= 1;
        next = fh.read(buffers[turn]!, 0, 1 << 20, position);
        const chunk = buffer.subarray(0, bytesRead);
        hash?.update(chunk);
        breaks += countByte(chunk, lineByte);
        last = chunk[bytesRead - 1]!;
      }
    } finally {
      await fh.close();
    }
    return {
      sha256: hash?.digest('hex') ?? null,
      breaks,
      endsWithBreak: last === 10 || last === 13,
      tail: null,
    };
  }
  if (hash)
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)
      hash.update(chunk);
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of gunzipChunks(path)) {
    breaks += countByte(chunk, lineByte);
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
    tail =
      chunk.length >= tailBytes
        ? chunk.subarray(chunk.length - tailBytes)
        : Buffer.concat([tail, chunk]).subarray(-tailBytes);
  }
  return {
    sha256: hash?.digest('hex') ?? null,
    breaks,
    endsWithBreak: last === 10 || last === 13,
    tail: Buffer.from(tail),
  };
}
