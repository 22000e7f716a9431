/**
 * The manifest commands and load-batch as a user runs them: the built CLI in its own process,
 * a local HTTP server the test starts, the test's own database.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { seedCache } from '../../src/storage/download.js';
import { resolveWorkspace } from '../../src/storage/workspace.js';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { listenLocally } from '../helpers/http.js';

const db = await createTestDatabase();
const cwd = tempDir();
const env = { DATABASE_URL: db.url, DATAWARP_HOME: undefined };
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const corpusMissing = !fs.existsSync(path.join(CORPUS, 'manifests'));

function csv(rows: number, period: string): string {
  const lines = ['Practice Code,Practice Name,Registered Patients,Extract Date'];
  for (let i = 1; i <= rows; i++) lines.push(`A8${String(1000 + i)},Surgery ${i},${1000 + i * 13},${period}`);
  return lines.join('\n') + '\n';
}

const FILES: Record<string, string> = {
  '/data/gp-reg-pat-prac-jan-2025.csv': csv(30, '01/01/2025'),
  '/data/gp-reg-pat-prac-feb-2025.csv': csv(31, '01/02/2025'),
  '/data/practice%20lookup%202025.csv': 'Practice Code,ICB Code\nA81001,QHM\nA81002,QHM\n',
};
const LANDING = `<!doctype html><html><head><title>Patients Registered at a GP Practice</title></head><body>
<a href="/data/gp-reg-pat-prac-jan-2025.csv">January</a>
<a href="/data/gp-reg-pat-prac-feb-2025.csv">February</a>
<a href="/data/practice%20lookup%202025.csv">Lookup</a>
<a href="/about">About</a></body></html>`;

const broken = new Set<string>();
const hits = new Map<string, number>();
const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  hits.set(url, (hits.get(url) ?? 0) + 1);
  if (broken.has(url)) {
    res.statusCode = 503;
    return void res.end('down for maintenance');
  }
  if (url === '/data/slow-2025-03.csv') {
    // a header, then silence: the download is in progress when the user presses Ctrl-C
    res.write('Practice Code,Practice Name,Registered Patients,Extract Date\n');
    return;
  }
  if (url === '/pub/gp-registered') {
    res.setHeader('content-type', 'text/html');
    return void res.end(LANDING);
  }
  if (FILES[url] !== undefined) return void res.end(FILES[url]);
  res.statusCode = 404;
  res.end();
});
const base = await listenLocally(server);

const manifest = path.join(cwd, 'gp.yaml');
const cli = (args: string[]) => runCli(args, { cwd, env });

test('manifest create on a landing page writes a valid draft', async () => {
  const r = await cli(['manifest', 'create', `${base}/pub/gp-registered`, '-o', manifest]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote .*gp\.yaml: 2 sources \(2 enabled\) from 3 files/);
  const again = await cli(['manifest', 'create', `${base}/pub/gp-registered`, '-o', manifest]);
  assert.equal(again.code, 2, 'an existing manifest is not overwritten without --force');
  assert.match(again.stderr, /output file already exists/);
  const v = await cli(['manifest', 'validate', manifest, '--json']);
  assert.equal(v.code, 0, v.stderr);
  const report = JSON.parse(v.stdout) as { valid: boolean; sources: number; files: number };
  assert.deepEqual([report.valid, report.sources, report.files], [true, 2, 3]);
  const text = fs.readFileSync(manifest, 'utf8');
  assert.match(text, /code: gp_reg_pat_prac\n/);
  assert.match(text, /code: practice_lookup\n/);
});

test('load-batch: refused without an owner (exit 8), then loads with datawarp.yaml defaults', async () => {
  const refused = await cli(['load-batch', manifest]);
  assert.equal(refused.code, 8, refused.stderr);
  assert.match(
    refused.stderr,
    /refused: source gp_reg_pat_prac is not registered and the manifest does not say its owner/,
  );
  assert.match(refused.stderr, /3 files of 3 failed/);

  fs.writeFileSync(
    path.join(cwd, 'datawarp.yaml'),
    'defaults:\n  owner: primary-care@nhs.net\n  domain: Primary Care\n  purpose: Practice list sizes for capacity planning\n',
  );
  broken.add('/data/gp-reg-pat-prac-feb-2025.csv');
  // the cache holds February from manifest create: remove it so the load must fetch it
  fs.rmSync(path.join(cwd, 'downloads'), { recursive: true, force: true });
  const partial = await cli(['load-batch', manifest]);
  broken.delete('/data/gp-reg-pat-prac-feb-2025.csv');
  assert.equal(partial.code, 8, partial.stderr);
  assert.match(
    partial.stdout,
    /gp_reg_pat_prac\s+2025-01\s+gp-reg-pat-prac-jan-2025\.csv\s+append\s+loaded\s+30/,
  );
  assert.match(partial.stdout, /2025-02 .* failed .*HTTP 503/);
  assert.match(partial.stdout, /practice lookup 2025\.csv .* loaded\s+2/);
  assert.match(partial.stderr, /1 file of 3 failed/);
  assert.match(partial.stderr, /hint: see `datawarp manifest status/);

  const status = await cli(['manifest', 'status', manifest, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { counts: Record<string, number>; state: string };
  assert.deepEqual(s.counts, { pending: 0, running: 0, loaded: 2, failed: 1, skipped: 0 });
  assert.equal(s.state, 'draft');

  const resumed = await cli(['load-batch', manifest, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const result = JSON.parse(resumed.stdout) as {
    files: { period: string; status: string; rows: number }[];
    state: string;
  };
  assert.deepEqual(
    result.files.map((f) => `${f.period} ${f.status} ${f.rows}`),
    ['2025-01 already_loaded 30', '2025-02 loaded 31', '2025 already_loaded 2'],
  );
  assert.equal(result.state, 'loaded');
  const written = fs.readFileSync(manifest, 'utf8');
  assert.match(written, /^ {2}state: loaded$/m);
  assert.match(written, /^ {2}last_loaded: "?\d{4}-\d{2}-\d{2}T/m);
  const rows = await db.pool.query(
    `SELECT _period, count(*)::int AS n FROM staging.tbl_gp_reg_pat_prac GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(rows.rows, [
    { _period: '2025-01', n: 30 },
    { _period: '2025-02', n: 31 },
  ]);
});

test('load-batch --offline uses the cache; a file missing from it fails clearly', async () => {
  const before = [...hits.values()].reduce((a, b) => a + b, 0);
  const ok = await cli(['load-batch', manifest, '--offline', '--force', '--only', 'practice_lookup']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(
    [...hits.values()].reduce((a, b) => a + b, 0),
    before,
    'no request reached the server',
  );
  const index = JSON.parse(fs.readFileSync(path.join(cwd, 'downloads', '.index.json'), 'utf8')) as {
    downloads: Record<string, { path: string }>;
  };
  const jan = index.downloads[`${base}/data/gp-reg-pat-prac-jan-2025.csv`]!;
  fs.rmSync(path.join(cwd, 'downloads', jan.path));
  const missing = await cli(['load-batch', manifest, '--offline', '--force', '--only', 'gp_reg_pat_prac']);
  assert.equal(missing.code, 8);
  assert.match(
    missing.stdout,
    /2025-01 .* failed .*cached copy is missing and --offline forbids fetching it again/,
  );
});

test('manifest compare shows columns added, renamed-looking and retyped', async () => {
  const april = path.join(cwd, 'gp-april.yaml');
  const text = fs
    .readFileSync(manifest, 'utf8')
    .replace('original_name: ICB Code', 'original_name: Sub ICB Code')
    .replace(
      /(original_name: Registered Patients\n\s+semantic_name: registered_patients\n\s+data_type:) integer/,
      '$1 numeric',
    );
  fs.writeFileSync(april, text);
  const r = await cli(['manifest', 'compare', manifest, april]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /~ column ICB Code -> Sub ICB Code \(looks renamed\)/);
  assert.match(r.stdout, /! column Registered Patients: integer -> numeric/);
  const strict = await cli(['manifest', 'compare', manifest, april, '--strict', '--json']);
  assert.equal(strict.code, 5);
  assert.equal((JSON.parse(strict.stdout) as { breaking: boolean }).breaking, true);
  const same = await cli(['manifest', 'compare', manifest, manifest]);
  assert.match(same.stdout, /no changes \(2 sources compared\)/);
});

test('manifest validate: errors as file:line with exit 2', async () => {
  const bad = path.join(cwd, 'bad.yaml');
  fs.writeFileSync(
    bad,
    'manifest:\n  name: x\nsources:\n- code: ok\n  files:\n  - url: https://x/a.csv\n    mode: merge\n',
  );
  const r = await cli(['manifest', 'validate', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /bad\.yaml:7: error: sources\.0\.files\.0\.mode: /);
  assert.match(r.stderr, /bad\.yaml: 1 error in the manifest \(line 7\)/);
});

test(
  'the real corpus manifests validate from the CLI',
  { skip: corpusMissing && `corpus not found at ${CORPUS}` },
  async () => {
    for (const name of [
      'adhd_may25.yaml',
      'adhd_may25_enriched.yaml',
      'gp_appointments_nov25_enriched.yaml',
    ]) {
      const r = await cli(['manifest', 'validate', path.join(CORPUS, 'manifests', name)]);
      assert.equal(r.code, 0, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /valid: \d+ sources/);
    }
  },
);

test(
  'a manifest of real NHS files loads end to end from a pre-seeded download cache',
  { skip: corpusMissing && `corpus not found at ${CORPUS}` },
  async () => {
    const dir = tempDir();
    const ws = resolveWorkspace(dir);
    const files = {
      'https://files.digital.nhs.uk/00/AAAAAA/gp-reg-pat-prac-all.csv':
        'nhs/gp_registered_patients/gp-reg-pat-prac-all.csv',
      'https://files.digital.nhs.uk/00/BBBBBB/MAPPING_INDICATORS_2021_v2.csv':
        'nhs/qof_2020_21/MAPPING_INDICATORS_2021_v2.csv',
    };
    for (const [url, file] of Object.entries(files)) await seedCache(ws, url, path.join(CORPUS, file));
    const m = path.join(dir, 'nhs.yaml');
    fs.writeFileSync(
      m,
      `manifest:
  name: nhs_corpus
  owner: analyst@nhs.net
  domain: Primary Care
  purpose: End-to-end test of real publications
  publication: NHS Digital
sources:
- code: gp_reg_pat_prac_all
  files:
  - url: https://files.digital.nhs.uk/00/AAAAAA/gp-reg-pat-prac-all.csv
    period: 2021-01
- code: qof_indicators
  files:
  - url: https://files.digital.nhs.uk/00/BBBBBB/MAPPING_INDICATORS_2021_v2.csv
    period: FY2020-21
`,
    );
    const r = await runCli(['load-batch', m, '--offline', '--json'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const result = JSON.parse(r.stdout) as { files: { source: string; rows: number; status: string }[] };
    assert.deepEqual(
      result.files.map((f) => [f.source, f.status, f.rows]),
      [
        ['gp_reg_pat_prac_all', 'loaded', 6658],
        ['qof_indicators', 'loaded', 68],
      ],
    );
    const cols = await db.pool.query(
      `SELECT data_type FROM information_schema.columns
        WHERE table_schema = 'staging' AND table_name = 'tbl_gp_reg_pat_prac_all' AND column_name = 'ccg_code'`,
    );
    assert.deepEqual(cols.rows, [{ data_type: 'text' }]);
  },
);

test('Ctrl-C during load-batch stops it (exit 130); the interrupted file stays pending for the next run', async () => {
  const m = path.join(cwd, 'slow.yaml');
  fs.writeFileSync(
    m,
    `manifest:
  name: slow
  publication: GP
sources:
- code: slow_lookup
  files:
  - url: ${base}/data/practice%20lookup%202025.csv
    period: '2025'
- code: slow_practices
  files:
  - url: ${base}/data/slow-2025-03.csv
    period: 2025-03
`,
  );
  const child = spawn(process.execPath, [BIN, 'load-batch', m], {
    cwd,
    env: { ...process.env, DATABASE_URL: db.url },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // wait until the slow download has started, then interrupt
  for (let i = 0; i < 200 && !(hits.get('/data/slow-2025-03.csv') ?? 0); i++)
    await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 130, stdout + stderr);
  assert.match(stderr, /cancelled/);
  const status = await runCli(['manifest', 'status', m, '--json'], { cwd, env });
  const s = JSON.parse(status.stdout) as { files: { source: string; status: string }[] };
  assert.deepEqual(
    s.files.map((f) => `${f.source} ${f.status}`),
    ['slow_lookup loaded', 'slow_practices pending'],
  );
});
