import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import type { DatawarpError } from '../../src/errors.js';
import {
  downloadToCache,
  fileNameFor,
  readDownloadIndex,
  sanitizeFileName,
  seedCache,
} from '../../src/storage/download.js';
import { resolveWorkspace } from '../../src/storage/workspace.js';
import { tempDir } from '../helpers/cli.js';
import { listenLocally } from '../helpers/http.js';

const CSV = 'code,value\nA,1\nB,2\n';
const hits = new Map<string, number>();
let flakyFailures = 0;

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  hits.set(url, (hits.get(url) ?? 0) + 1);
  if (url === '/data/a.csv') return void res.end(CSV);
  if (url === '/data/GP%20Practice%20Data%20Jan%202025.csv') return void res.end(CSV);
  if (url === '/data/..%2F..%2Fescape.csv') return void res.end(CSV);
  if (url === '/flaky.csv') {
    if (flakyFailures-- > 0) {
      res.statusCode = 503;
      return void res.end('busy');
    }
    return void res.end(CSV);
  }
  if (url === '/hang.csv') {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.write('code,value\n');
    return; // never ends: the client's silence timer must fire
  }
  if (url === '/big.csv') {
    res.writeHead(200);
    res.end(Buffer.alloc(64 * 1024, 'x'));
    return;
  }
  if (url === '/export?id=7') {
    res.writeHead(200, { 'content-disposition': 'attachment; filename="report.csv"' });
    return void res.end(CSV);
  }
  res.statusCode = 404;
  res.end('not found');
});

const base = await listenLocally(server);

const fast = { backoffMs: 5, timeoutMs: 2000 };
const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

test('downloads into downloads/<yyyy-mm>/ and records the file in .index.json', async () => {
  const ws = resolveWorkspace(tempDir());
  const now = () => new Date('2026-03-15T10:00:00Z');
  const got = await downloadToCache(ws, `${base}/data/a.csv`, { ...fast, sourceCode: 'a_src', now });
  assert.equal(got.fromCache, false);
  assert.equal(got.path, path.join(ws.root, 'downloads', '2026-03', 'a.csv'));
  assert.equal(fs.readFileSync(got.path, 'utf8'), CSV);
  assert.equal(got.sha256, sha(CSV));
  assert.equal(got.bytes, Buffer.byteLength(CSV));
  const entry = readDownloadIndex(ws).downloads[`${base}/data/a.csv`];
  assert.deepEqual(
    { path: entry?.path, sha256: entry?.sha256, size: entry?.size, source: entry?.source_code },
    { path: '2026-03/a.csv', sha256: sha(CSV), size: got.bytes, source: 'a_src' },
  );
  assert.equal(entry?.downloaded_at, '2026-03-15T10:00:00.000Z');
  const leftovers = fs.readdirSync(path.dirname(got.path)).filter((f) => f.endsWith('.part'));
  assert.deepEqual(leftovers, [], 'no temporary files left behind');
});

test('a second request is served from the cache and touches last_used', async () => {
  const ws = resolveWorkspace(tempDir());
  const url = `${base}/data/a.csv`;
  await downloadToCache(ws, url, { ...fast, now: () => new Date('2026-03-01T00:00:00Z') });
  const before = hits.get('/data/a.csv') ?? 0;
  const again = await downloadToCache(ws, url, { ...fast, now: () => new Date('2026-04-02T00:00:00Z') });
  assert.equal(again.fromCache, true);
  assert.equal(hits.get('/data/a.csv'), before, 'no request reached the server');
  const entry = readDownloadIndex(ws).downloads[url];
  assert.equal(entry?.last_used, '2026-04-02T00:00:00.000Z');
  assert.equal(entry?.downloaded_at, '2026-03-01T00:00:00.000Z');
});

test('a cached file whose hash no longer matches is fetched again', async () => {
  const ws = resolveWorkspace(tempDir());
  const url = `${base}/data/a.csv`;
  const first = await downloadToCache(ws, url, fast);
  fs.writeFileSync(first.path, 'code,value\nA,999\n');
  const warnings: string[] = [];
  const before = hits.get('/data/a.csv') ?? 0;
  const again = await downloadToCache(ws, url, { ...fast, onWarning: (m) => warnings.push(m) });
  assert.equal(again.fromCache, false);
  assert.equal(hits.get('/data/a.csv'), before + 1);
  assert.equal(fs.readFileSync(again.path, 'utf8'), CSV);
  assert.equal(again.path, first.path, 'the corrupt copy is replaced in place');
  assert.match(warnings.join('\n'), /sha256 mismatch/);
});

test('offline mode uses only the cache and names what is missing', async () => {
  const ws = resolveWorkspace(tempDir());
  const url = `${base}/data/a.csv`;
  await assert.rejects(downloadToCache(ws, url, { ...fast, offline: true }), (err: DatawarpError) => {
    assert.equal(err.code, 'DOWNLOAD_FAILED');
    assert.match(err.message, /not in the download cache/);
    assert.match(err.hint ?? '', /without --offline/);
    return true;
  });
  const online = await downloadToCache(ws, url, fast);
  const before = hits.get('/data/a.csv') ?? 0;
  const offline = await downloadToCache(ws, url, { ...fast, offline: true });
  assert.equal(offline.fromCache, true);
  assert.equal(offline.sha256, online.sha256);
  assert.equal(hits.get('/data/a.csv'), before);
  fs.rmSync(online.path);
  await assert.rejects(downloadToCache(ws, url, { ...fast, offline: true }), /cached copy is missing/);
});

test('404 fails at once with a clear message; 503 is retried with backoff', async () => {
  const ws = resolveWorkspace(tempDir());
  await assert.rejects(downloadToCache(ws, `${base}/gone.csv`, fast), (err: DatawarpError) => {
    assert.equal(err.code, 'DOWNLOAD_FAILED');
    assert.match(err.message, /gone\.csv: HTTP 404/);
    assert.equal(err.retryable, false);
    return true;
  });
  assert.equal(hits.get('/gone.csv'), 1, '404 is not retried');

  flakyFailures = 2;
  const retries: number[] = [];
  const got = await downloadToCache(ws, `${base}/flaky.csv`, {
    ...fast,
    onRetry: ({ delayMs }) => retries.push(delayMs),
  });
  assert.equal(fs.readFileSync(got.path, 'utf8'), CSV);
  assert.equal(retries.length, 2);
  assert.ok(retries[1]! > retries[0]!, `backoff grows: ${retries.join(', ')}`);

  flakyFailures = 10;
  await assert.rejects(
    downloadToCache(ws, `${base}/flaky.csv`, { ...fast, refresh: true, retries: 2 }),
    /HTTP 503.*after 3 attempts/,
  );
  flakyFailures = 0;
});

test('a server that stops sending times out, and nothing half-written stays behind', async () => {
  const ws = resolveWorkspace(tempDir());
  await assert.rejects(
    downloadToCache(ws, `${base}/hang.csv`, { backoffMs: 5, timeoutMs: 200, retries: 1 }),
    (err: DatawarpError) => {
      assert.equal(err.code, 'DOWNLOAD_FAILED');
      assert.match(err.message, /timed out/);
      return true;
    },
  );
  assert.equal(hits.get('/hang.csv'), 2, 'retried once');
  const files = fs.readdirSync(path.join(ws.root, 'downloads'), { recursive: true }) as string[];
  assert.deepEqual(
    files.filter((f) => f.endsWith('.part') || f.endsWith('hang.csv')),
    [],
  );
});

test('bodies over the size limit are refused', async () => {
  const ws = resolveWorkspace(tempDir());
  await assert.rejects(
    downloadToCache(ws, `${base}/big.csv`, { ...fast, maxBytes: 1024 }),
    (err: DatawarpError) => {
      assert.equal(err.code, 'FILE_TOO_LARGE');
      return true;
    },
  );
  assert.equal(readDownloadIndex(ws).downloads[`${base}/big.csv`], undefined);
});

test('URL-encoded names are decoded, and cannot escape the cache folder', async () => {
  const ws = resolveWorkspace(tempDir());
  const now = () => new Date('2026-01-05T00:00:00Z');
  const spaced = await downloadToCache(ws, `${base}/data/GP%20Practice%20Data%20Jan%202025.csv`, {
    ...fast,
    now,
  });
  assert.equal(path.basename(spaced.path), 'GP Practice Data Jan 2025.csv');
  const sneaky = await downloadToCache(ws, `${base}/data/..%2F..%2Fescape.csv`, { ...fast, now });
  assert.equal(path.dirname(sneaky.path), path.join(ws.root, 'downloads', '2026-01'));
  assert.equal(path.basename(sneaky.path), 'escape.csv');
  const named = await downloadToCache(ws, `${base}/export?id=7`, { ...fast, now });
  assert.equal(path.basename(named.path), 'report.csv', 'Content-Disposition names extensionless URLs');
  assert.equal(sanitizeFileName('../../etc/passwd'), 'passwd');
  assert.equal(sanitizeFileName('..'), '');
  assert.equal(fileNameFor(new URL('http://x/a/%E0%A4%A.csv'), null), '%E0%A4%A.csv');
});

test('two URLs with the same file name get separate cache files', async () => {
  const ws = resolveWorkspace(tempDir());
  const src = path.join(ws.root, 'local.csv');
  fs.writeFileSync(src, 'x\n1\n');
  const one = await seedCache(ws, 'https://example.org/2025/jan/data.csv', src);
  fs.writeFileSync(src, 'x\n2\n');
  const two = await seedCache(ws, 'https://example.org/2025/feb/data.csv', src);
  assert.notEqual(one.path, two.path);
  assert.equal(fs.readFileSync(one.path, 'utf8'), 'x\n1\n');
  assert.equal(fs.readFileSync(two.path, 'utf8'), 'x\n2\n');
  const offline = await downloadToCache(ws, 'https://example.org/2025/feb/data.csv', { offline: true });
  assert.equal(offline.path, two.path);
});

test('non-http URLs are refused', async () => {
  const ws = resolveWorkspace(tempDir());
  await assert.rejects(downloadToCache(ws, 'file:///etc/passwd'), /only http and https/);
});

test('an abort signal stops a download at once, without retries', async () => {
  const ws = resolveWorkspace(tempDir());
  const controller = new AbortController();
  const before = hits.get('/hang.csv') ?? 0;
  setTimeout(() => controller.abort(new Error('stopped by the user')), 100);
  const started = Date.now();
  await assert.rejects(
    downloadToCache(ws, `${base}/hang.csv`, { timeoutMs: 5000, retries: 3, signal: controller.signal }),
    /stopped by the user/,
  );
  assert.ok(Date.now() - started < 2000, 'did not wait for the timeout');
  assert.equal(hits.get('/hang.csv'), before + 1, 'not retried');
  const files = fs.readdirSync(path.join(ws.root, 'downloads'), { recursive: true }) as string[];
  assert.deepEqual(
    files.filter((f) => f.endsWith('.part')),
    [],
  );
});

test('parallel downloads into one workspace all land in the index', async () => {
  const ws = resolveWorkspace(tempDir());
  const urls = [
    `${base}/data/a.csv`,
    `${base}/flaky.csv`,
    `${base}/export?id=7`,
    `${base}/data/GP%20Practice%20Data%20Jan%202025.csv`,
  ];
  const got = await Promise.all(urls.map((u) => downloadToCache(ws, u, fast)));
  assert.equal(new Set(got.map((g) => g.path)).size, urls.length);
  assert.deepEqual(Object.keys(readDownloadIndex(ws).downloads).sort(), [...urls].sort());
});

test('a URL fetched again in a later month moves there; the old copy is removed', async () => {
  const ws = resolveWorkspace(tempDir());
  const url = `${base}/data/a.csv`;
  const march = await downloadToCache(ws, url, { ...fast, now: () => new Date('2026-03-10T00:00:00Z') });
  const april = await downloadToCache(ws, url, {
    ...fast,
    refresh: true,
    now: () => new Date('2026-04-10T00:00:00Z'),
  });
  assert.equal(path.basename(path.dirname(april.path)), '2026-04');
  assert.equal(fs.existsSync(march.path), false);
  assert.equal(readDownloadIndex(ws).downloads[url]?.path, '2026-04/a.csv');
});
