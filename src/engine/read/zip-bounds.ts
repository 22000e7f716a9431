/**
 * Decompression limits for ZIP containers (ZIP sources and xlsx/ods workbooks, which are ZIPs).
 * Declared sizes in a ZIP can lie, so the limits are enforced on the bytes actually inflated:
 * yauzl's `validateEntrySizes` stops a member that inflates past its declared size, and the
 * counters here stop a container whose total passes the limit.
 */
import yauzl from 'yauzl';
import { DatawarpError } from '../../errors.js';

export interface ZipLimits {
  /** most bytes one member may inflate to */
  readonly maxMemberBytes: number;
  /** most bytes all members together may inflate to */
  readonly maxTotalBytes: number;
  /** largest inflated/compressed ratio accepted for members over `ratioFloorBytes` */
  readonly maxRatio: number;
  readonly ratioFloorBytes: number;
  readonly maxEntries: number;
}

/** Limits for a workbook, which is inflated in memory. */
export const DEFAULT_LIMITS: ZipLimits = {
  maxMemberBytes: 512 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 16 * 1024 * 1024,
  maxEntries: 10_000,
};

/** Limits for ZIP sources, whose members are streamed, never held whole. */
export const ARCHIVE_LIMITS: ZipLimits = {
  maxMemberBytes: 16 * 1024 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 64 * 1024 * 1024,
  maxEntries: 10_000,
};

export function tooLarge(file: string, what: string, member?: string): DatawarpError {
  return new DatawarpError('FILE_TOO_LARGE', `refused to decompress: ${what}`, {
    file,
    ...(member ? { location: { member } } : {}),
    hint: 'the archive inflates far beyond its size (a decompression bomb?); unpack it yourself if you trust it',
  });
}

export function truncated(file: string, cause: unknown): DatawarpError {
  const message = cause instanceof Error ? cause.message : String(cause);
  // yauzl's messages are long and technical; the user needs the gist
  const why = /central directory/i.test(message)
    ? 'no end-of-archive record'
    : (message.split(/[:.]/)[0] ?? 'unreadable').slice(0, 60);
  return new DatawarpError('FILE_TRUNCATED', `the ZIP container is damaged or cut off (${why})`, {
    file,
    hint: 'download the file again; it may be incomplete',
    cause,
  });
}

/** Refuse an entry by its declared sizes before inflating anything. */
export function checkDeclared(entry: yauzl.Entry, file: string, limits: ZipLimits): void {
  if (entry.uncompressedSize > limits.maxMemberBytes) {
    throw tooLarge(file, `member declares ${entry.uncompressedSize} bytes`, entry.fileName);
  }
  if (
    entry.uncompressedSize > limits.ratioFloorBytes &&
    entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio
  ) {
    throw tooLarge(file, `member compression ratio over ${limits.maxRatio}:1`, entry.fileName);
  }
}

export function openZipBuffer(bytes: Uint8Array, file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (err, zip) => (err || !zip ? reject(truncated(file, err)) : resolve(zip)),
    );
  });
}

/** Every entry of an open ZIP, in central-directory order. */
export function listEntries(zip: yauzl.ZipFile, file: string, limits: ZipLimits): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    let declared = 0;
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      declared += entry.uncompressedSize;
      if (entries.length > limits.maxEntries) {
        zip.close();
        reject(tooLarge(file, `more than ${limits.maxEntries} members`));
        return;
      }
      if (declared > limits.maxTotalBytes) {
        zip.close();
        reject(tooLarge(file, `members declare more than ${limits.maxTotalBytes} bytes`));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err) => reject(truncated(file, err)));
    zip.readEntry();
  });
}

/** Inflate one entry and hand its chunks to `onChunk`; stops at the limits. */
export function streamEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  file: string,
  limits: ZipLimits,
  /** may return a promise to hold the flow until the consumer catches up (a file write) */
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<number> {
  checkDeclared(entry, file, limits);
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(truncated(file, err));
      let seen = 0;
      stream.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > limits.maxMemberBytes) {
          stream.destroy(
            tooLarge(file, `member inflates past ${limits.maxMemberBytes} bytes`, entry.fileName),
          );
          return;
        }
        const wait = onChunk(chunk);
        if (wait) {
          stream.pause();
          wait.then(
            () => stream.resume(),
            (err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))),
          );
        }
      });
      stream.on('error', (e) => reject(e instanceof DatawarpError ? e : truncated(file, e)));
      stream.on('end', () => resolve(seen));
    });
  });
}

/**
 * Check a ZIP-based workbook before SheetJS inflates it in memory: declared sizes, then the real
 * inflated size of every member (bytes are counted and dropped).
 */
export async function checkZipBounds(bytes: Uint8Array, file: string, limits: ZipLimits): Promise<void> {
  const zip = await openZipBuffer(bytes, file);
  try {
    const entries = await listEntries(zip, file, limits);
    let total = 0;
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      total += await streamEntry(zip, entry, file, limits, () => undefined);
      if (total > limits.maxTotalBytes)
        throw tooLarge(file, `members inflate past ${limits.maxTotalBytes} bytes`);
    }
  } finally {
    zip.close();
  }
}
