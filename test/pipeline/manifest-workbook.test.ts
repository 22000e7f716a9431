/**
 * Workbooks and ZIPs through manifest create and load-batch: cover and hidden sheets disabled,
 * sheets and ZIP members addressed by `sheet:` / `extract:`, several tables on one sheet by
 * `table_index:`. Fixtures are generated here; the real NHS workbook is used when the corpus is.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { detectFile } from '../../src/engine/index.js';
import { loadBatch } from '../../src/pipeline/load-batch.js';
import { createManifest } from '../../src/pipeline/manifest/create.js';
import { readManifest } from '../../src/pipeline/manifest/parse.js';
import { parseConfig } from '../../src/storage/config.js';
import { resolveWorkspace } from '../../src/storage/workspace.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { makeZip } from '../engine/read/zip-fixture.js';
import { listenLocally } from '../helpers/http.js';

const db = await createTestDatabase();
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const corpusMissing = !fs.existsSync(path.join(CORPUS, 'nhs'));

function workbook(month: string, day: string): Buffer {
  const wb = XLSX.utils.book_new();
  const cover = XLSX.utils.aoa_to_sheet([
    ['Community Discharge Sitrep'],
    [`Published ${month}`],
    ['This workbook contains the tables below.'],
  ]);
  XLSX.utils.book_append_sheet(wb, cover, 'Cover Sheet');
  const rows: (string | number)[][] = [
    ['Table 1: Discharges by region'],
    [],
    ['Region', 'Date', 'Discharges', 'Delayed'],
  ];
  const regions = ['North East', 'North West', 'Midlands', 'East', 'London', 'South East', 'South West'];
  regions.forEach((r, i) => rows.push([r, day, 100 + i * 11, 10 + i]));
  const table1 = XLSX.utils.aoa_to_sheet(rows);
  XLSX.utils.book_append_sheet(wb, table1, 'Table 1');
  const lookup = XLSX.utils.aoa_to_sheet([['Code', 'Region'], ...regions.map((r, i) => [`R${i}`, r])]);
  XLSX.utils.book_append_sheet(wb, lookup, 'Lkp - Regions');
  wb.Workbook = { Sheets: [{ Hidden: 0 }, { Hidden: 0 }, { Hidden: 1 }] };
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

const mappingCsv =
  'PRACTICE_CODE,PCN_CODE,ICB_CODE\n' +
  Array.from({ length: 12 }, (_, i) => `A8${1000 + i},U${i % 3},QHM`).join('\n') +
  '\n';
const FILES: Record<string, Buffer> = {
  '/files/Community-Discharge-Sitrep-November-2025.xlsx': workbook('November 2025', '2025-11-03'),
  '/files/Practice_Level_Crosstab_Nov_25.zip': makeZip([
    { name: 'Mapping.csv', data: Buffer.from(mappingCsv), deflate: true },
    { name: 'README.txt', data: Buffer.from('Practice level crosstab, November 2025') },
  ]),
};
const server = http.createServer((req, res) => {
  if (req.url === '/latest') {
    res.writeHead(302, { location: '/releases/nov-2025/' });
    return void res.end();
  }
  if (req.url === '/releases/nov-2025/') {
    res.setHeader('content-type', 'text/html');
    return void res.end(
      '<html><head><title>Referrals - November 2025</title></head><body><a href="referrals.csv">csv</a></body></html>',
    );
  }
  if (req.url === '/releases/nov-2025/referrals.csv') return void res.end(mappingCsv);
  const body = FILES[req.url ?? ''];
  if (body) return void res.end(body);
  res.statusCode = 404;
  res.end();
});
const base = await listenLocally(server);

const root = tempDir();
const ws = resolveWorkspace(root);
const config = parseConfig(
  'defaults:\n  owner: team@nhs.net\n  domain: Urgent care\n  purpose: Discharge delays\n  publication: Sitrep\n',
);

test('workbook and ZIP: cover and hidden sheets disabled, members addressed by extract, all loads', async () => {
  const out = path.join(root, 'sitrep.yaml');
  const created = await createManifest(ws, {
    inputs: [
      `${base}/files/Community-Discharge-Sitrep-November-2025.xlsx`,
      `${base}/files/Practice_Level_Crosstab_Nov_25.zip`,
    ],
    output: out,
  });
  assert.deepEqual(created.failures, []);
  const { manifest } = readManifest(out);
  const by = new Map(manifest.sources.map((s) => [s.code, s]));
  assert.deepEqual(
    [...by.values()].map((s) => [
      s.code,
      s.enabled,
      s.files[0]?.sheet ?? s.files[0]?.extract,
      s.files[0]?.period,
    ]),
    [
      ['community_discharge_sitrep_cover_sheet', false, 'Cover Sheet', '2025-11'],
      ['community_discharge_sitrep_table_1', true, 'Table 1', '2025-11'],
      ['community_discharge_sitrep_lkp_regions', false, 'Lkp - Regions', '2025-11'],
      ['mapping', true, 'Mapping.csv', '2025-11'],
      ['readme', false, 'README.txt', '2025-11'],
    ],
  );
  assert.match(by.get('community_discharge_sitrep_lkp_regions')?.description ?? '', /Hidden sheet/);

  const r = await loadBatch(db.pool, { manifest: out, workspace: ws, config, user: 'tester' });
  assert.deepEqual(
    r.files.map((f) => `${f.source} ${f.status} ${f.rows}`),
    ['community_discharge_sitrep_table_1 loaded 7', 'mapping loaded 12'],
    JSON.stringify(r.files.map((f) => f.error)),
  );
  const t1 = await db.pool.query(
    `SELECT region, discharges FROM staging.tbl_community_discharge_sitrep_table_1 ORDER BY discharges LIMIT 2`,
  );
  assert.deepEqual(t1.rows, [
    { region: 'North East', discharges: 100 },
    { region: 'North West', discharges: 111 },
  ]);
  const mapping = await db.pool.query(
    `SELECT count(*)::int AS n, min(_source_file) AS f FROM staging.tbl_mapping`,
  );
  assert.equal(mapping.rows[0].n, 12);
});

test(
  'the real acute sitrep: a stacked table on one sheet loads by table_index',
  { skip: corpusMissing && `corpus not found at ${CORPUS}` },
  async () => {
    const xlsx = path.join(CORPUS, 'nhs', 'nhse_discharge_delays_acute_sitrep', 'september2023.xlsx');
    const out = path.join(root, 'acute.yaml');
    await createManifest(ws, { inputs: [xlsx], output: out });
    const { manifest } = readManifest(out);
    const stacked = manifest.sources.filter((s) => s.files[0]?.sheet === 'Table 2');
    assert.ok(stacked.length >= 2, `Table 2 holds several tables: ${stacked.map((s) => s.code).join(', ')}`);
    assert.deepEqual(
      stacked.map((s) => s.files[0]?.table_index),
      stacked.map((_, i) => i + 1),
    );
    // the name september2023 is only a date: the code comes from the folder instead
    assert.ok(
      stacked.every((s) => s.code.startsWith('nhse_discharge_delays_acute_sitrep_table_2')),
      stacked[0]?.code,
    );
    const second = stacked[1]!;
    const r = await loadBatch(db.pool, {
      manifest: out,
      workspace: ws,
      config,
      user: 'tester',
      only: [second.code],
    });
    assert.equal(r.failed, 0, JSON.stringify(r.files.map((f) => f.error)));
    const spec = await detectFile(xlsx, { sheet: 'Table 2' });
    const expected = spec.tables[1]!.rowCount;
    assert.equal(r.files[0]?.rows, expected);
    assert.ok(expected > 10);
  },
);

test('a landing page reached through a redirect resolves its relative links against where it ended', async () => {
  const out = path.join(root, 'redirected.yaml');
  const created = await createManifest(ws, {
    inputs: [`${base}/latest`, `${base}/releases/nov-2025/referrals.csv`],
    output: out,
  });
  assert.equal(created.files, 1, 'the file named twice is described once');
  assert.deepEqual(created.failures, []);
  const { manifest } = readManifest(out);
  assert.deepEqual(
    manifest.sources.map((s) => [s.code, s.files[0]?.url, s.files[0]?.period]),
    [['referrals', `${base}/releases/nov-2025/referrals.csv`, '2025-11']],
  );
  assert.equal(manifest.manifest.source_url, `${base}/releases/nov-2025/`);
  assert.equal(manifest.manifest.publication, 'Referrals');
});
