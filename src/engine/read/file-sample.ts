/**
 * The bounded reads detection makes on a file: its head and tail (so sniffing time does not grow
 * with file size), plus one sequential pass for the SHA-256 and the physical line count.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { DatawarpError } from '../../errors.js';

export const HEAD_BYTES = 1 << 20;
export const TAIL_BYTES = 64 * 1024;

export interface FileSample {
  readonly bytes: number;
  readonly head: Buffer;
  /** the last bytes, when the head does not already hold the whole file */
  readonly tail: Buffer | null;
  readonly whole: boolean;
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
    return { bytes: size, head, tail, whole: size <= headLen };
  } finally {
    await fh.close();
  }
}

export interface FileDigest {
  readonly sha256: string;
  /** count of the byte `lineByte` (10 for `\n`, 13 for CR-only files) */
  readonly breaks: number;
  /** whether the last byte is a line break (so the last line is not an extra one) */
  readonly endsWithBreak: boolean;
}

/** SHA-256 and line-break count in one sequential pass (flat memory). */
export async function digestFile(path: string, lineByte = 10): Promise<FileDigest> {
  const hash = createHash('sha256');
  let breaks = 0;
  let last = -1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let i = chunk.indexOf(lineByte); i >= 0; i = chunk.indexOf(lineByte, i + 1)) breaks++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return { sha256: hash.digest('hex'), breaks, endsWithBreak: last === 10 || last === 13 };
}
