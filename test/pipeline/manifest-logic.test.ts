import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareManifests, hasBreakingChanges, hasChanges } from '../../src/pipeline/manifest/compare.js';
import { collectDataLinks, pageTitle } from '../../src/pipeline/manifest/landing-page.js';
import {
  classifyLoadMode,
  looksLikePeriodLabel,
  type FileObservation,
} from '../../src/pipeline/manifest/load-mode.js';
import { configDefaults, planRegistration } from '../../src/pipeline/manifest/registration.js';
import { Manifest } from '../../src/pipeline/manifest/schema.js';
import { parseConfig } from '../../src/storage/config.js';
import type { DatawarpError } from '../../src/errors.js';

test('landing pages: data links are collected, resolved, de-duplicated and decoded', () => {
  const html = `<html><head><title>ADHD Management Information &ndash; May 2025</title></head><body>
    <a href="/files/ADHD_May25.csv">ADHD data <b>[csv]</b></a>
    <a href='https://files.example.org/52/Data%20dictionary%20v1.1.xlsx'>Dictionary</a>
    <a href=../zips/Practice_Level_Crosstab_Nov_25.zip>Crosstab</a>
    <a href="/files/ADHD_May25.csv#top">same file again</a>
    <a href="/files/report.pdf">PDF</a>
    <a href="mailto:someone@example.org">mail</a>
    <a href="/publications/april-2025">previous release</a>
    <a class="x" href="/files/q.csv?version=2&amp;dl=1">with a query</a>
  </body></html>`;
  const links = collectDataLinks(html, 'https://digital.example.org/pubs/adhd/may-2025');
  assert.deepEqual(
    links.map((l) => [l.url, l.name]),
    [
      ['https://digital.example.org/files/ADHD_May25.csv', 'ADHD_May25.csv'],
      ['https://files.example.org/52/Data%20dictionary%20v1.1.xlsx', 'Data dictionary v1.1.xlsx'],
      [
        'https://digital.example.org/pubs/zips/Practice_Level_Crosstab_Nov_25.zip',
        'Practice_Level_Crosstab_Nov_25.zip',
      ],
      ['https://digital.example.org/files/q.csv?version=2&dl=1', 'q.csv'],
    ],
  );
  assert.equal(links[0]?.text, 'ADHD data [csv]');
  assert.equal(pageTitle(html), 'ADHD Management Information &ndash; May 2025');
});

const may = { code: '2025-05', start: '2025-05-01', end: '2025-05-31' };
const jun = { code: '2025-06', start: '2025-06-01', end: '2025-06-30' };
const obs = (o: Partial<FileObservation>): FileObservation => ({
  period: may,
  headers: ['code', 'value'],
  rowCount: 100,
  dateRange: null,
  ...o,
});

test('load-mode classifier: history repeated in each file means a full reload', () => {
  const v = classifyLoadMode('mhsds_historic', [
    obs({ dateRange: { min: '2024-02-01', max: '2025-05-31', months: 16 } }),
  ]);
  assert.equal(v.pattern, 'time_series_overlapping');
  assert.equal(v.mode, 'fullload');
  assert.ok(v.confidence >= 0.85);
  const across = classifyLoadMode('x', [
    obs({ dateRange: { min: '2025-04-01', max: '2025-05-31', months: 2 } }),
    obs({ period: jun, dateRange: { min: '2025-05-01', max: '2025-06-30', months: 2 } }),
  ]);
  assert.equal(across.pattern, 'time_series_overlapping');
  assert.equal(across.confidence, 0.95);
});

test('load-mode classifier: files holding only their own period are incremental (append)', () => {
  const v = classifyLoadMode('adhd', [
    obs({ dateRange: { min: '2025-05-01', max: '2025-05-31', months: 1 } }),
    obs({ period: jun, dateRange: { min: '2025-06-01', max: '2025-06-30', months: 1 } }),
  ]);
  assert.deepEqual([v.pattern, v.mode, v.confidence], ['incremental', 'append', 0.85]);
});

test('load-mode classifier: wide periods, reference tables, snapshots, and evidence from loads', () => {
  const wide = classifyLoadMode('summary', [
    obs({ headers: ['Region', 'Apr-25', 'May-25', 'Jun-25', 'Jul-25'] }),
  ]);
  assert.deepEqual([wide.pattern, wide.mode], ['time_series_wide', 'fullload']);
  const ref = classifyLoadMode('practice_mapping', [obs({})]);
  assert.deepEqual([ref.pattern, ref.mode], ['reference', 'replace']);
  const snap = classifyLoadMode('list_size', [obs({})]);
  assert.deepEqual([snap.pattern, snap.mode], ['snapshot', 'replace']);
  const loaded = classifyLoadMode(
    'adhd',
    [obs({ dateRange: { min: '2025-05-01', max: '2025-05-31', months: 1 } })],
    {
      duplicateShare: 0.9,
      periods: 3,
    },
  );
  assert.deepEqual(
    [loaded.pattern, loaded.mode, loaded.confidence],
    ['time_series_overlapping', 'fullload', 0.95],
  );
  assert.match(loaded.reason, /90% of loaded rows repeat across 3 periods/);
  assert.equal(looksLikePeriodLabel('November 2025'), true);
  assert.equal(looksLikePeriodLabel('2024/25'), true);
  assert.equal(looksLikePeriodLabel('Summary'), false);
  assert.equal(looksLikePeriodLabel('Marital status'), false);
});

function manifest(sources: unknown[]) {
  return Manifest.parse({ manifest: { name: 'm' }, sources });
}
const col = (original_name: string, data_type = 'text', extra: object = {}) => ({
  original_name,
  data_type,
  ...extra,
});

test('manifest compare: sources and columns added, removed, renamed-looking, retyped', () => {
  const march = manifest([
    {
      code: 'appointments',
      files: [{ url: 'https://x/a.csv', period: '2025-03' }],
      columns: [
        col('PRACTICE_CODE'),
        col('CCG_CODE'),
        col('COUNT_OF_APPOINTMENTS', 'integer'),
        col('APPT_DATE', 'date'),
      ],
    },
    {
      code: 'practice_list_sizes',
      files: [{ url: 'https://x/l.csv' }],
      columns: [col('PRACTICE_CODE'), col('LIST_SIZE', 'integer')],
    },
    { code: 'old_lookup', files: [{ url: 'https://x/o.csv' }], columns: [col('A'), col('B')] },
  ]);
  const april = manifest([
    {
      code: 'appointments',
      files: [{ url: 'https://x/a.csv', period: '2025-04' }],
      columns: [
        col('PRACTICE_CODE'),
        col('SUB_ICB_CODE'),
        col('COUNT_OF_APPOINTMENTS', 'numeric'),
        col('APPT_DATE', 'date'),
        col('HCP_TYPE'),
      ],
    },
    {
      code: 'practice_list_size',
      files: [{ url: 'https://x/l.csv' }],
      columns: [col('PRACTICE_CODE'), col('LIST_SIZE', 'int')],
    },
    { code: 'new_measures', files: [{ url: 'https://x/n.csv' }], columns: [col('X'), col('Y')] },
  ]);
  const diff = compareManifests(march, april);
  assert.deepEqual(diff.sourcesAdded, ['new_measures']);
  assert.deepEqual(diff.sourcesRemoved, ['old_lookup']);
  assert.deepEqual(
    diff.sourcesRenamed.map((r) => [r.from, r.to]),
    [['practice_list_sizes', 'practice_list_size']],
  );
  const appts = diff.changed.find((c) => c.code === 'appointments');
  assert.ok(appts);
  assert.deepEqual(appts.columnsAdded, ['HCP_TYPE']);
  assert.deepEqual(appts.columnsRemoved, []);
  assert.deepEqual(
    appts.columnsRenamed.map((r) => [r.from, r.to]),
    [['CCG_CODE', 'SUB_ICB_CODE']],
  );
  assert.deepEqual(appts.typeChanges, [{ column: 'COUNT_OF_APPOINTMENTS', from: 'integer', to: 'numeric' }]);
  const renamed = diff.changed.find((c) => c.code === 'practice_list_size');
  assert.equal(renamed?.renamedFrom, 'practice_list_sizes');
  assert.deepEqual(renamed?.typeChanges, [], 'int and integer are the same type');
  assert.ok(hasChanges(diff));
  assert.ok(hasBreakingChanges(diff));
  const same = compareManifests(march, march);
  assert.equal(hasChanges(same), false);
  assert.equal(same.unchanged, 3);
});

test('registration: the source, then the manifest block, then datawarp.yaml defaults; refused when incomplete', () => {
  const m = Manifest.parse({
    manifest: { name: 'm', owner: 'team@nhs.net', publication_context: { page_title: 'ADHD MI - May 2025' } },
    sources: [
      { code: 'a', purpose: 'Referrals', domain: 'Mental Health', files: [{ url: 'https://x/a.csv' }] },
      { code: 'b', owner: 'other@nhs.net', load_mode: 'append', files: [{ url: 'https://x/b.csv' }] },
    ],
  });
  const a = planRegistration(m, m.sources[0]!, parseConfig(''));
  assert.equal(a.kind, 'register');
  assert.deepEqual(a.kind === 'register' && a.registration, {
    sourceCode: 'a',
    publication: 'ADHD MI - May 2025',
    domain: 'Mental Health',
    owner: 'team@nhs.net',
    purpose: 'Referrals',
    retentionDays: undefined,
    loadMode: 'replace',
  });
  assert.deepEqual(planRegistration(m, m.sources[1]!, parseConfig('')), {
    kind: 'refuse',
    missing: ['domain', 'purpose'],
  });
  const withDefaults = parseConfig(
    'defaults:\n  domain: Primary Care\n  purpose: Capacity\n  retention_days: 90\n',
  );
  const b = planRegistration(m, m.sources[1]!, withDefaults);
  assert.equal(b.kind === 'register' && b.registration.owner, 'other@nhs.net');
  assert.equal(b.kind === 'register' && b.registration.retentionDays, 90);
  assert.equal(b.kind === 'register' && b.registration.loadMode, 'append');
  assert.throws(
    () => configDefaults(parseConfig('defaults:\n  ownr: x@nhs.net\n')),
    (err: DatawarpError) => err.code === 'CONFIG_INVALID' && /defaults/.test(err.message),
  );
});

test('load-mode classifier: dates in a file without a period (open/close dates of a register) are no history', () => {
  const v = classifyLoadMode('epcn_pcndetails', [
    obs({ period: null, dateRange: { min: '2019-07-01', max: '2022-04-01', months: 20 } }),
  ]);
  assert.deepEqual([v.pattern, v.mode], ['reference', 'replace']);
});
