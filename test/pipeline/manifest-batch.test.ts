/**
 * manifest create → load-batch end to end against a local HTTP server serving two monthly
 * landing pages and their files: registration from config defaults, a failing file among good
 * ones, resume after the failure, offline re-run from the download cache, a corrupted cache entry
 * fetched again, duplicates across periods, column metadata, manifest state.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { loadBatch, type BatchResult } from '../../src/pipeline/load-batch.js';
import { createManifest } from '../../src/pipeline/manifest/create.js';
import { loadHistoryOf } from '../../src/pipeline/manifest/history.js';
import { readManifest } from '../../src/pipeline/manifest/parse.js';
import { manifestStatus } from '../../src/pipeline/manifest/status.js';
import { parseConfig } from '../../src/storage/config.js';
import { readDownloadIndex } from '../../src/storage/download.js';
import { resolveWorkspace } from '../../src/storage/workspace.js';
import { tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { listenLocally } from '../helpers/http.js';

const db = await createTestDatabase();

const AGES = ['0 to 4', '5 to 17', '18 to 24', '25+'];
const INDICATORS = ['ADHD001', 'ADHD002', 'ADHD003', 'ADHD004'];

/** One month of indicator values: only that month's rows (an incremental publication). */
function monthCsv(day: string, seed: number): string {
  const lines = ['REPORTING_PERIOD_START_DATE,INDICATOR_ID,AGE_GROUP,VALUE'];
  for (const ind of INDICATORS)
    for (const age of AGES) lines.push(`${day},${ind},${age},${seed + lines.length * 7}`);
  return lines.join('\r\n') + '\r\n';
}

/** Every month from Jan 2024 to `lastMonth`: each release repeats all history. */
function historyCsv(lastMonth: number): string {
  const lines = ['MONTH_START,REGION,REFERRALS'];
  for (let m = 0; m < lastMonth; m++) {
    const y = 2024 + Math.floor(m / 12);
    const mm = String((m % 12) + 1).padStart(2, '0');
    for (const region of ['North', 'South'])
      lines.push(`01/${mm}/${y},${region},${100 + m * 3 + region.length}`);
  }
  return lines.join('\n') + '\n';
}

const FILES: Record<string, string> = {
  '/files/ADHD_May25.csv': monthCsv('01/05/2025', 1000),
  '/files/ADHD_Jun25.csv': monthCsv('01/06/2025', 2000),
  '/files/MHSDS%20Historic%20May%202025.csv': historyCsv(17),
  '/files/MHSDS%20Historic%20June%202025.csv': historyCsv(18),
  '/files/Practice%20Mapping%20May25.csv': 'PRACTICE_CODE,PCN_CODE\nA81001,U1\nA81002,U1\nA81003,U2\n',
};

function page(title: string, links: string[]): string {
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><ul>
${links.map((l) => `<li><a href="${l}">${decodeURIComponent(l.split('/').pop()!)}</a></li>`).join('\n')}
<li><a href="/files/supporting-info.pdf">Supporting information (PDF)</a></li>
</ul></body></html>`;
}

const PAGES: Record<string, string> = {
  '/pub/adhd/may-2025': page('ADHD Management Information - May 2025', [
    '/files/ADHD_May25.csv',
    '/files/MHSDS%20Historic%20May%202025.csv',
    '/files/Practice%20Mapping%20May25.csv',
  ]),
  '/pub/adhd/june-2025': page('ADHD Management Information - June 2025', [
    '/files/ADHD_Jun25.csv',
    '/files/this-host-does-not-resolve.csv',
    '/files/MHSDS%20Historic%20June%202025.csv',
  ]),
};

const hits = new Map<string, number>();
/** URLs answering 500 right now (a failing file among good ones) */
const broken = new Set<string>();
const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  hits.set(url, (hits.get(url) ?? 0) + 1);
  if (broken.has(url)) {
    res.statusCode = 500;
    return void res.end('oops');
  }
  if (PAGES[url]) {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    return void res.end(PAGES[url]);
  }
  if (FILES[url] !== undefined) return void res.end(FILES[url]);
  res.statusCode = 404;
  res.end('not found');
});
const base = await listenLocally(server);

const root = tempDir();
const ws = resolveWorkspace(root);
const manifestFile = path.join(root, 'manifests', 'adhd.yaml');
const fast = { backoffMs: 5, retries: 1, timeoutMs: 5000 };
const noDefaults = parseConfig('');
const withDefaults = parseConfig(`
defaults:
  owner: adhd-team@nhs.net
  domain: Clinical - Mental Health
  purpose: Monitor ADHD referrals and waits
`);

function run(extra: Partial<Parameters<typeof loadBatch>[1]> = {}): Promise<BatchResult> {
  return loadBatch(db.pool, {
    manifest: manifestFile,
    workspace: ws,
    config: withDefaults,
    user: 'tester',
    download: fast,
    ...extra,
  });
}

const statusOf = (r: BatchResult, source: string, period: string) =>
  r.files.find((f) => f.source === source && f.period === period)?.status;

test('manifest create reads two landing pages into one draft: stable codes, a period per file', async () => {
  const result = await createManifest(ws, {
    inputs: [`${base}/pub/adhd/may-2025`, `${base}/pub/adhd/june-2025`],
    output: manifestFile,
    download: fast,
  });
  assert.equal(result.files, 5);
  assert.deepEqual(
    result.failures.map((f) => f.code),
    ['DOWNLOAD_FAILED'],
    'the dead link is reported, the rest is described',
  );
  assert.match(result.failures[0]!.message, /this-host-does-not-resolve\.csv: HTTP 404/);
  const { manifest, warnings } = readManifest(manifestFile);
  assert.deepEqual(warnings, []);
  assert.equal(manifest.manifest.state, 'draft');
  assert.equal(
    manifest.manifest.publication,
    'ADHD Management Information',
    'the release date is not part of the publication',
  );
  const byCode = new Map(manifest.sources.map((s) => [s.code, s]));
  assert.deepEqual([...byCode.keys()].sort(), ['adhd', 'mhsds_historic', 'practice_mapping']);
  const adhd = byCode.get('adhd')!;
  assert.deepEqual(
    adhd.files.map((f) => [f.period, f.url]),
    [
      ['2025-05', `${base}/files/ADHD_May25.csv`],
      ['2025-06', `${base}/files/ADHD_Jun25.csv`],
    ],
  );
  assert.equal(adhd.load_mode_pattern, 'incremental');
  assert.equal(adhd.load_mode, 'append');
  assert.deepEqual(
    adhd.columns?.map((c) => [c.original_name, c.data_type]),
    [
      ['REPORTING_PERIOD_START_DATE', 'date'],
      ['INDICATOR_ID', 'text'],
      ['AGE_GROUP', 'text'],
      ['VALUE', 'integer'],
    ],
  );
  const history = byCode.get('mhsds_historic')!;
  assert.equal(history.load_mode_pattern, 'time_series_overlapping');
  assert.equal(history.load_mode, 'fullload');
  assert.ok((history.load_mode_confidence ?? 0) >= 0.9);
  assert.equal(byCode.get('practice_mapping')?.load_mode_pattern, 'reference');
  // the downloads went through the cache, under their decoded names
  const cached = Object.values(readDownloadIndex(ws).downloads).map((e) => path.basename(e.path));
  assert.ok(cached.includes('MHSDS Historic May 2025.csv'), cached.join(', '));
});

test('load-batch refuses sources nobody owns, and loads nothing', async () => {
  const r = await run({ config: noDefaults });
  assert.equal(r.registered.length, 0);
  assert.deepEqual(r.refused.map((x) => x.source).sort(), ['adhd', 'mhsds_historic', 'practice_mapping']);
  assert.match(r.refused[0]!.reason, /does not say its owner, domain, purpose/);
  assert.ok(r.files.every((f) => f.status === 'refused'));
  assert.equal(r.failed, 5);
  const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM datawarp.tbl_data_sources`);
  assert.equal(rows[0].n, 0);
});

test('load-batch registers from defaults, loads in period order, and one failing file does not stop the rest', async () => {
  broken.add('/files/ADHD_Jun25.csv');
  // the cache already holds every file (manifest create fetched them): make June's copy stale
  const entry = readDownloadIndex(ws).downloads[`${base}/files/ADHD_Jun25.csv`]!;
  fs.rmSync(path.join(root, 'downloads', entry.path));
  const r = await run();
  broken.delete('/files/ADHD_Jun25.csv');
  assert.deepEqual([...r.registered].sort(), ['adhd', 'mhsds_historic', 'practice_mapping']);
  assert.equal(statusOf(r, 'adhd', '2025-05'), 'loaded');
  assert.equal(statusOf(r, 'adhd', '2025-06'), 'failed');
  assert.match(
    r.files.find((f) => f.period === '2025-06' && f.source === 'adhd')!.error!.message,
    /HTTP 500/,
  );
  assert.equal(statusOf(r, 'mhsds_historic', '2025-05'), 'loaded');
  assert.equal(statusOf(r, 'mhsds_historic', '2025-06'), 'loaded');
  assert.equal(r.failed, 1);
  assert.equal(r.state, 'draft', 'not loaded while a file is missing');
  // period order: May's history loaded before June's; fullload leaves only June's release
  const history = await db.pool.query(
    `SELECT _period, count(*)::int AS n FROM staging.tbl_mhsds_historic GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(history.rows, [{ _period: '2025-06', n: 36 }]);
  const adhd = await db.pool.query(`SELECT _period, count(*)::int AS n FROM staging.tbl_adhd GROUP BY 1`);
  assert.deepEqual(adhd.rows, [{ _period: '2025-05', n: 16 }]);
  const status = await manifestStatus(db.pool, manifestFile);
  assert.deepEqual(status.counts, { pending: 0, running: 0, loaded: 4, failed: 1, skipped: 0 });
  const failed = status.files.find((f) => f.status === 'failed')!;
  assert.equal(failed.attempts, 1, 'the refused run was no attempt to load');
  assert.match(failed.error ?? '', /HTTP 500/);
});

test('a re-run resumes: only the failed file is loaded, the manifest becomes loaded', async () => {
  const before = hits.get('/files/ADHD_May25.csv') ?? 0;
  const r = await run();
  assert.equal(r.failed, 0);
  assert.deepEqual(r.files.map((f) => `${f.source} ${f.period} ${f.status}`).sort(), [
    'adhd 2025-05 already_loaded',
    'adhd 2025-06 loaded',
    'mhsds_historic 2025-05 already_loaded',
    'mhsds_historic 2025-06 already_loaded',
    'practice_mapping 2025-05 already_loaded',
  ]);
  assert.equal(hits.get('/files/ADHD_May25.csv') ?? 0, before, 'loaded files are not fetched again');
  assert.equal(r.state, 'loaded');
  const { manifest } = readManifest(manifestFile);
  assert.equal(manifest.manifest.state, 'loaded');
  assert.ok(manifest.manifest.last_loaded);
  assert.equal(manifest.sources.find((s) => s.code === 'adhd')?.last_loaded, manifest.manifest.last_loaded);
  const adhd = await db.pool.query(
    `SELECT _period, count(*)::int AS n FROM staging.tbl_adhd GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(adhd.rows, [
    { _period: '2025-05', n: 16 },
    { _period: '2025-06', n: 16 },
  ]);
  assert.deepEqual(r.duplicates, [], 'incremental months share no rows');
});

test('--offline --force reloads everything from the download cache without touching the network', async () => {
  const total = () => [...hits.values()].reduce((a, b) => a + b, 0);
  const before = total();
  const r = await run({ offline: true, force: true });
  assert.equal(r.failed, 0, JSON.stringify(r.files.filter((f) => f.error)));
  assert.ok(r.files.every((f) => f.fromCache === true));
  assert.equal(total(), before);
  const adhd = await db.pool.query(`SELECT count(*)::int AS n FROM staging.tbl_adhd`);
  assert.equal(adhd.rows[0].n, 64, '--force on an append source adds the rows again, as asked');
  const history = await db.pool.query(`SELECT count(*)::int AS n FROM staging.tbl_mhsds_historic`);
  assert.equal(history.rows[0].n, 36, 'fullload: still only the latest release');
});

test('a corrupted cache entry is fetched again; offline it is a clear per-file error', async () => {
  const url = `${base}/files/Practice%20Mapping%20May25.csv`;
  const entry = readDownloadIndex(ws).downloads[url]!;
  fs.writeFileSync(path.join(root, 'downloads', entry.path), 'PRACTICE_CODE,PCN_CODE\nX,Y\n');
  const offline = await run({ offline: true, force: true, only: ['practice_mapping'] });
  assert.equal(offline.failed, 1);
  assert.match(
    offline.files[0]!.error!.message,
    /cached copy is changed \(sha256 mismatch\) and --offline forbids/,
  );
  const before = hits.get('/files/Practice%20Mapping%20May25.csv') ?? 0;
  const online = await run({ force: true, only: ['practice_mapping'] });
  assert.equal(online.failed, 0);
  assert.equal(online.files[0]?.fromCache, false);
  assert.equal(hits.get('/files/Practice%20Mapping%20May25.csv'), before + 1);
  const rows = await db.pool.query(`SELECT practice_code FROM staging.tbl_practice_mapping ORDER BY 1`);
  assert.deepEqual(
    rows.rows.map((r) => r.practice_code),
    ['A81001', 'A81002', 'A81003'],
  );
});

test('rows repeated across periods are reported with a suggested mode, and nothing is changed', async () => {
  const file = path.join(root, 'manifests', 'history-append.yaml');
  fs.writeFileSync(
    file,
    `manifest:
  name: history_append
  owner: adhd-team@nhs.net
  domain: Clinical - Mental Health
  purpose: Referral history
  publication: MHSDS
sources:
- code: history_appended
  columns:
  - original_name: REFERRALS
    semantic_name: referrals
    description: Referrals received in the month
    is_measure: true
    is_dimension: false
    query_keywords: [referrals, count]
  files:
  - url: ${base}/files/MHSDS%20Historic%20May%202025.csv
    period: 2025-05
    mode: append
  - url: ${base}/files/MHSDS%20Historic%20June%202025.csv
    period: 2025-06
    mode: append
`,
  );
  const r = await loadBatch(db.pool, {
    manifest: file,
    workspace: ws,
    config: noDefaults,
    user: 'tester',
    download: fast,
  });
  assert.equal(r.failed, 0);
  assert.deepEqual(r.registered, ['history_appended']);
  assert.equal(r.duplicates.length, 1);
  const d = r.duplicates[0]!;
  assert.equal(d.rows, 34 + 36);
  assert.equal(d.repeatedRows, 34, "June's release repeats all 34 of May's rows");
  assert.equal(d.suggestion.mode, 'fullload');
  assert.match(d.message, /load_mode: fullload .* Nothing was changed\./);
  const recorded = await db.pool.query(
    `SELECT v.status, v.details->>'suggested_mode' AS mode FROM datawarp.tbl_validation_results v
      WHERE v.source_code = 'history_appended' AND v.check_name = 'duplicates_across_periods'`,
  );
  assert.deepEqual(
    recorded.rows,
    [{ status: 'warn', mode: 'fullload' }],
    'kept with the load that revealed it',
  );
  const count = await db.pool.query(`SELECT count(*)::int AS n FROM staging.tbl_history_appended`);
  assert.equal(count.rows[0].n, 70, 'the rows stay until the user decides');
  const meta = await db.pool.query(
    `SELECT column_name, semantic_name, description, is_measure, query_keywords
       FROM datawarp.tbl_column_metadata WHERE source_code = 'history_appended' AND column_name = 'referrals'`,
  );
  assert.deepEqual(meta.rows, [
    {
      column_name: 'referrals',
      semantic_name: 'referrals',
      description: 'Referrals received in the month',
      is_measure: true,
      query_keywords: ['referrals', 'count'],
    },
  ]);
  assert.equal(r.columnsDescribed, 1);
});

test('--only names an unknown source: a usage error before anything runs', async () => {
  await assert.rejects(run({ only: ['nope'] }), /--only nope: no such source/);
});

test('--validate: a file that fails a gate is rolled back and counted as failed; the others load', async () => {
  const file = path.join(root, 'manifests', 'gated.yaml');
  fs.writeFileSync(
    file,
    `manifest:
  name: gated
  owner: adhd-team@nhs.net
  domain: Clinical - Mental Health
  purpose: Gate test
  publication: ADHD
sources:
- code: gated_tiny
  descripton: a typo the batch should mention
  files:
  - url: ${base}/files/Practice%20Mapping%20May25.csv
    period: 2025-05
- code: gated_big
  files:
  - url: ${base}/files/ADHD_May25.csv
    period: 2025-05
`,
  );
  const config = parseConfig('validation:\n  min_rows: 10\n  levels:\n    min_rows: fail\n');
  const warnings: string[] = [];
  const r = await loadBatch(db.pool, {
    manifest: file,
    workspace: ws,
    config,
    user: 'tester',
    validate: true,
    onEvent: (e) => void (e.kind === 'warning' && warnings.push(e.message)),
  });
  assert.deepEqual(warnings, [
    `${file}:9: warning: sources.0.descripton: unknown key descripton (did you mean description?): it is kept but not used`,
  ]);
  assert.deepEqual(
    r.files.map((f) => `${f.source} ${f.status}`),
    ['gated_tiny held', 'gated_big loaded'],
  );
  assert.equal(r.failed, 1);
  assert.match(r.files[0]!.error!.message, /rolled back: validation failed \(.*min_rows.*\)/);
  const tiny = await db.pool.query(`SELECT to_regclass('staging.tbl_gated_tiny') IS NULL AS gone`);
  assert.equal(tiny.rows[0].gone, true, 'the rolled-back load left no table');
  const status = await manifestStatus(db.pool, file);
  assert.equal(status.files[0]?.status, 'failed');
  assert.equal(status.state, 'draft');
});

test('manifest create weighs earlier loads: repeated rows override what one file suggests', async () => {
  // staging.tbl_history_appended (loaded above with append) repeats May's rows under June
  const dir = tempDir();
  const file = path.join(dir, 'history_appended_2025_07.csv');
  fs.writeFileSync(file, 'MONTH_START,REGION,REFERRALS\n01/07/2025,North,300\n01/07/2025,South,301\n');
  const out = path.join(dir, 'm.yaml');
  await createManifest(ws, { inputs: [file], output: out });
  const alone = readManifest(out).manifest.sources[0]!;
  assert.deepEqual(
    [alone.code, alone.load_mode_pattern, alone.load_mode],
    ['history_appended', 'incremental', 'append'],
  );
  await createManifest(ws, {
    inputs: [file],
    output: out,
    force: true,
    history: (code) => loadHistoryOf(db.pool, code),
  });
  const informed = readManifest(out).manifest.sources[0]!;
  assert.deepEqual([informed.load_mode_pattern, informed.load_mode], ['time_series_overlapping', 'fullload']);
  assert.match(informed.load_mode_reason ?? '', /49% of loaded rows repeat across 2 periods/);
});

test('a deprecated manifest is not loaded without --force', async () => {
  const file = path.join(root, 'manifests', 'old.yaml');
  fs.writeFileSync(
    file,
    `manifest:\n  name: old\n  state: deprecated\nsources:\n- code: old_src\n  files:\n  - url: ${base}/files/ADHD_May25.csv\n`,
  );
  await assert.rejects(run({ manifest: file }), /the manifest is deprecated; nothing was loaded/);
});

test('--only one source leaves the manifest in its state until every enabled file has loaded', async () => {
  const file = path.join(root, 'manifests', 'two.yaml');
  fs.writeFileSync(
    file,
    `manifest:\n  name: two_sources\n  publication: ADHD\nsources:\n- code: two_a\n  files:\n  - url: ${base}/files/ADHD_May25.csv\n    period: 2025-05\n- code: two_b\n  files:\n  - url: ${base}/files/Practice%20Mapping%20May25.csv\n`,
  );
  const first = await run({ manifest: file, only: ['two_a'] });
  assert.equal(first.failed, 0);
  assert.equal(first.state, 'draft');
  assert.equal(readManifest(file).manifest.manifest.state, 'draft');
  assert.ok(readManifest(file).manifest.sources[0]?.last_loaded, 'the loaded source records its time');
  const all = await run({ manifest: file });
  assert.deepEqual(
    all.files.map((f) => `${f.source} ${f.status}`),
    ['two_a already_loaded', 'two_b loaded'],
  );
  assert.equal(all.state, 'loaded');
});

test('a manifest that cannot be written back is a warning, not a lost batch', async () => {
  const file = path.join(root, 'manifests', 'edited.yaml');
  fs.writeFileSync(
    file,
    `manifest:\n  name: edited\n  publication: ADHD\nsources:\n- code: edited_src\n  files:\n  - url: ${base}/files/ADHD_May25.csv\n    period: 2025-05\n`,
  );
  const warnings: string[] = [];
  const r = await run({
    manifest: file,
    onEvent: (e) => {
      // someone saves a half-edited manifest while the batch runs
      if (e.kind === 'file') fs.writeFileSync(file, 'manifest:\n  name: [unclosed\n');
      if (e.kind === 'warning') warnings.push(e.message);
    },
  });
  assert.equal(r.failed, 0);
  assert.equal(r.state, 'loaded');
  assert.match(warnings.join('\n'), /could not record state loaded .*no longer valid YAML/);
  assert.equal(
    fs.readFileSync(file, 'utf8'),
    'manifest:\n  name: [unclosed\n',
    "the user's edit is left alone",
  );
  const rows = await db.pool.query(`SELECT count(*)::int AS n FROM staging.tbl_edited_src`);
  assert.equal(rows.rows[0].n, 16, 'the load itself is committed');
});

test('a period datawarp cannot read fails that file only, naming the period', async () => {
  const file = path.join(root, 'manifests', 'periods.yaml');
  fs.writeFileSync(
    file,
    `manifest:\n  name: periods\n  publication: ADHD\nsources:\n- code: periods_src\n  files:\n  - url: ${base}/files/ADHD_May25.csv\n    period: May 2025\n  - url: ${base}/files/ADHD_Jun25.csv\n    period: 2025-06\n`,
  );
  const r = await run({ manifest: file });
  assert.deepEqual(
    r.files.map((f) => `${f.period} ${f.status} ${f.error?.code ?? ''}`),
    ['2025-06 loaded ', 'May 2025 failed MANIFEST_INVALID'],
  );
  assert.match(r.files[1]!.error!.message, /period "May 2025" is not a period datawarp understands/);
  const rows = await db.pool.query<{ file_sha256: string | null }>(
    `SELECT f.file_sha256 FROM datawarp.tbl_manifest_files f JOIN datawarp.tbl_manifests m USING (manifest_id)
      WHERE m.manifest_name = 'periods' AND f.status = 'loaded'`,
  );
  assert.match(rows.rows[0]?.file_sha256 ?? '', /^[0-9a-f]{64}$/);
});
