/**
 * The download cache (DESIGN.md section 6): every file fetched from a URL is kept under
 * `<workspace>/downloads/<yyyy-mm>/<file>`, and `downloads/.index.json` maps each URL to its file,
 * sha256, size and times. A later request for the same URL is served from the cache when the file
 * is still there with the same hash; a file whose hash no longer matches is fetched again.
 * Downloads stream to a temporary name and are renamed into place, so a crash never leaves a
 * half-written file under a real name.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { sha256File } from '../engine/read/sha256.js';
import { DatawarpError } from '../errors.js';
import { fileNameFor } from './file-names.js';
import { openWithRetry, toDownloadError, withRetry, type FetchRetryOptions } from './http-fetch.js';
import type { Workspace } from './workspace.js';

export { fileNameFor, safeDecode, sanitizeFileName } from './file-names.js';

export const INDEX_VERSION = 1;
/** Default ceiling on one download: publications are MBs, a GB means something is wrong. */
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

export interface DownloadIndexEntry {
  readonly url: string;
  /** relative to `downloads/`, always with forward slashes */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly downloaded_at: string;
  readonly last_used: string;
  readonly source_code: string | null;
  /** where redirects ended, when not at `url` (relative links on a page resolve against it) */
  readonly final_url?: string;
}

export interface DownloadIndex {
  readonly version: number;
  readonly downloads: Record<string, DownloadIndexEntry>;
}

export interface DownloadOptions extends FetchRetryOptions {
  /** use only the cache; a URL not cached (or whose file changed) is an error */
  readonly offline?: boolean;
  /** fetch again even when the cached copy is intact */
  readonly refresh?: boolean;
  /** recorded in the index, for cleanup and archive */
  readonly sourceCode?: string;
  /** refuse bodies larger than this (default 2 GiB) */
  readonly maxBytes?: number;
  /** reports "hash mismatch, fetching again" and retries */
  readonly onWarning?: (message: string) => void;
  /** clock, for tests of the month folder */
  readonly now?: () => Date;
}

export interface DownloadResult {
  readonly url: string;
  /** absolute path of the cached file */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly fromCache: boolean;
  /** the URL the content came from after redirects */
  readonly finalUrl: string;
}

export function downloadsDir(ws: Workspace): string {
  return path.join(ws.root, 'downloads');
}

function indexPath(ws: Workspace): string {
  return path.join(downloadsDir(ws), '.index.json');
}

/**
 * Return a local, verified copy of `url`, downloading it into the cache when needed.
 * Throws `DOWNLOAD_FAILED` (HTTP error, timeout, offline miss) or `FILE_TOO_LARGE`.
 */
export async function downloadToCache(
  ws: Workspace,
  url: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const parsed = parseHttpUrl(url);
  const now = options.now ?? (() => new Date());
  const cached = await lookupCached(ws, parsed.href);
  if (cached && !options.refresh) {
    if (cached.intact) {
      await updateIndex(ws, (index) => {
        const entry = index.downloads[parsed.href];
        if (entry) index.downloads[parsed.href] = { ...entry, last_used: now().toISOString() };
      });
      return {
        url: parsed.href,
        path: cached.absolute,
        sha256: cached.entry.sha256,
        bytes: cached.entry.size,
        fromCache: true,
        finalUrl: cached.entry.final_url ?? parsed.href,
      };
    }
    options.onWarning?.(
      `${cached.absolute}: cached copy of ${parsed.href} is ${cached.reason}; ${options.offline ? 'cannot fetch it again offline' : 'fetching it again'}`,
    );
  }
  if (options.offline)
    throw new DatawarpError(
      'DOWNLOAD_FAILED',
      cached
        ? `${parsed.href}: the cached copy is ${cached.reason} and --offline forbids fetching it again`
        : `${parsed.href}: not in the download cache and --offline forbids fetching it`,
      { hint: 'run once without --offline to fill the download cache', file: cached?.absolute },
    );
  return fetchIntoCache(ws, parsed, options, now, cached?.entry.path);
}

/** The index as stored, or an empty one. A corrupt index is an error, not silently dropped. */
export function readDownloadIndex(ws: Workspace): DownloadIndex {
  const file = indexPath(ws);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: INDEX_VERSION, downloads: {} };
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as DownloadIndex;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.downloads !== 'object')
      throw new Error('no "downloads" object');
    return { version: parsed.version ?? INDEX_VERSION, downloads: { ...parsed.downloads } };
  } catch (err) {
    throw new DatawarpError('CONFIG_INVALID', `download index is not valid JSON: ${(err as Error).message}`, {
      file,
      hint: 'move the file aside; datawarp rebuilds it as files are downloaded again',
      cause: err,
    });
  }
}

/**
 * Put a local file into the cache as if it had been downloaded from `url`: for seeding a cache
 * on a machine without network, and for tests. Returns the cached copy.
 */
export async function seedCache(
  ws: Workspace,
  url: string,
  file: string,
  options: { sourceCode?: string; now?: () => Date } = {},
): Promise<DownloadResult> {
  const parsed = parseHttpUrl(url);
  const now = options.now ?? (() => new Date());
  const body = Readable.from(fs.createReadStream(file));
  return storeStream(
    ws,
    parsed,
    body,
    { ...options, maxBytes: Number.MAX_SAFE_INTEGER },
    now,
    undefined,
    () => {},
  );
}

interface CachedLookup {
  readonly entry: DownloadIndexEntry;
  readonly absolute: string;
  readonly intact: boolean;
  readonly reason: string;
}

async function lookupCached(ws: Workspace, url: string): Promise<CachedLookup | null> {
  const entry = readDownloadIndex(ws).downloads[url];
  if (!entry) return null;
  const absolute = resolveInside(downloadsDir(ws), entry.path);
  let actual: string;
  try {
    actual = await sha256File(absolute);
  } catch {
    return { entry, absolute, intact: false, reason: 'missing' };
  }
  if (actual !== entry.sha256) return { entry, absolute, intact: false, reason: 'changed (sha256 mismatch)' };
  return { entry, absolute, intact: true, reason: 'intact' };
}

async function fetchIntoCache(
  ws: Workspace,
  url: URL,
  options: DownloadOptions,
  now: () => Date,
  previousPath: string | undefined,
): Promise<DownloadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // a connection dropped half-way through the body is retried like a failed connect
  return withRetry(url.href, options, async () => {
    const open = await openWithRetry(url.href, { ...options, retries: 0 });
    try {
      const declared = Number(open.response.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await open.response.body?.cancel().catch(() => undefined);
        throw tooLarge(url.href, maxBytes);
      }
      if (!open.response.body) throw new DatawarpError('DOWNLOAD_FAILED', `${url.href}: empty response`);
      const body = Readable.fromWeb(open.response.body as WebReadableStream);
      const name = fileNameFor(url, open.response.headers.get('content-disposition'));
      const finalUrl = open.response.url && open.response.url !== url.href ? open.response.url : undefined;
      return await storeStream(
        ws,
        url,
        body,
        { ...options, maxBytes, name, finalUrl },
        now,
        previousPath,
        open.touch,
      );
    } catch (err) {
      // the abort reason (a timeout) is what matters, not the stream's "aborted" error
      throw toDownloadError(url.href, open.signal.aborted ? open.signal.reason : err);
    } finally {
      open.done();
    }
  });
}

async function storeStream(
  ws: Workspace,
  url: URL,
  body: Readable,
  options: { sourceCode?: string; maxBytes: number; name?: string; finalUrl?: string },
  now: () => Date,
  previousPath: string | undefined,
  touch: () => void,
): Promise<DownloadResult> {
  const root = downloadsDir(ws);
  const monthDir = path.join(root, now().toISOString().slice(0, 7));
  fs.mkdirSync(monthDir, { recursive: true });
  const name = options.name ?? fileNameFor(url, null);
  const temp = path.join(monthDir, `.${name}.${crypto.randomBytes(6).toString('hex')}.part`);
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      touch();
      bytes += chunk.length;
      if (bytes > options.maxBytes) return cb(tooLarge(url.href, options.maxBytes));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, fs.createWriteStream(temp, { flags: 'wx' }));
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  const sha256 = hash.digest('hex');
  const stamp = now().toISOString();
  let finalPath = '';
  await updateIndex(ws, (index) => {
    const relative = chooseRelativePath(root, index, url.href, path.basename(monthDir), name, previousPath);
    finalPath = resolveInside(root, relative);
    fs.renameSync(temp, finalPath);
    index.downloads[url.href] = {
      url: url.href,
      path: relative,
      sha256,
      size: bytes,
      downloaded_at: stamp,
      last_used: stamp,
      source_code: options.sourceCode ?? index.downloads[url.href]?.source_code ?? null,
      ...(options.finalUrl ? { final_url: options.finalUrl } : {}),
    };
    // a URL fetched again in a later month moves; its old copy would be an orphan
    const stillUsed = Object.values(index.downloads).some((e) => e.path === previousPath);
    if (previousPath && previousPath !== relative && !stillUsed)
      fs.rmSync(resolveInside(root, previousPath), { force: true });
  }).catch((err: unknown) => {
    fs.rmSync(temp, { force: true });
    throw err;
  });
  return {
    url: url.href,
    path: finalPath,
    sha256,
    bytes,
    fromCache: false,
    finalUrl: options.finalUrl ?? url.href,
  };
}

/**
 * Where the file for `url` goes: its own previous place if it had one this month, else
 * `<month>/<name>`, suffixed with a short hash of the URL when another URL already owns that name.
 */
function chooseRelativePath(
  root: string,
  index: DownloadIndex,
  url: string,
  month: string,
  name: string,
  previousPath: string | undefined,
): string {
  const wanted = `${month}/${name}`;
  if (previousPath === wanted) return wanted;
  const owners = new Map(Object.values(index.downloads).map((e) => [e.path, e.url]));
  const owner = owners.get(wanted);
  if ((owner === undefined || owner === url) && (owner === url || !fs.existsSync(path.join(root, wanted))))
    return wanted;
  const tag = crypto.createHash('sha256').update(url).digest('hex').slice(0, 8);
  const ext = path.extname(name);
  return `${month}/${name.slice(0, name.length - ext.length)}-${tag}${ext}`;
}

/** Read-modify-write the index under a lock, written atomically. */
async function updateIndex(ws: Workspace, change: (index: DownloadIndex) => void): Promise<void> {
  const root = downloadsDir(ws);
  fs.mkdirSync(root, { recursive: true });
  // imported here: only a download takes the lock, not every load
  const { default: lockfile } = await import('proper-lockfile');
  const release = await lockfile.lock(root, {
    lockfilePath: path.join(root, '.index.lock'),
    retries: { retries: 50, minTimeout: 20, maxTimeout: 500 },
    stale: 30_000,
  });
  try {
    const index = readDownloadIndex(ws);
    const mutable = { version: INDEX_VERSION, downloads: { ...index.downloads } };
    change(mutable);
    const file = indexPath(ws);
    const temp = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(mutable, null, 2)}\n`);
    fs.renameSync(temp, file);
  } finally {
    await release();
  }
}

function resolveInside(root: string, relative: string): string {
  const absolute = path.resolve(root, relative);
  if (absolute !== root && !absolute.startsWith(root + path.sep))
    throw new DatawarpError('CONFIG_INVALID', `download index entry points outside the cache: ${relative}`, {
      file: path.join(root, '.index.json'),
      hint: 'the index was edited by hand: remove that entry',
    });
  return absolute;
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatawarpError('DOWNLOAD_FAILED', `not a valid URL: ${url}`, {
      hint: 'use an http:// or https:// address',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new DatawarpError('DOWNLOAD_FAILED', `${url}: only http and https URLs can be downloaded`, {
      hint: 'give a local file as a path instead',
    });
  parsed.hash = '';
  return parsed;
}

function tooLarge(url: string, maxBytes: number): DatawarpError {
  return new DatawarpError(
    'FILE_TOO_LARGE',
    `${url} is larger than the download limit of ${maxBytes} bytes`,
    {
      hint: 'raise the limit if the file is expected to be this big',
    },
  );
}
