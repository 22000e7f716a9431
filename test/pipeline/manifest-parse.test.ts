import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { DatawarpError } from '../../src/errors.js';
import { compareManifests } from '../../src/pipeline/manifest/compare.js';
import { checkManifest, formatProblem, readManifest } from '../../src/pipeline/manifest/parse.js';
import { advanceState, updateManifestFile } from '../../src/pipeline/manifest/write.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const corpusMissing = !fs.existsSync(path.join(CORPUS, 'manifests'));
const skip = corpusMissing && `corpus not found at ${CORPUS}`;

function corpusManifest(name: string): string {
  return path.join(CORPUS, 'manifests', name);
}

test('the real corpus manifests parse and validate without errors', { skip }, () => {
  const expected: Record<string, { sources: number; enabled: number; files: number }> = {
    'adhd_may25.yaml': { sources: 4, enabled: 4, files: 4 },
    'adhd_may25_enriched.yaml': { sources: 4, enabled: 2, files: 4 },
    'gp_appointments_nov25_enriched.yaml': { sources: 92, enabled: 90, files: 124 },
  };
  for (const [name, want] of Object.entries(expected)) {
    const parsed = readManifest(corpusManifest(name));
    const m = parsed.manifest;
    const enabled = m.sources.filter((s) => s.enabled).length;
    const files = m.sources.reduce((n, s) => n + s.files.length, 0);
    assert.equal(m.sources.length, want.sources, name);
    assert.equal(files, want.files, name);
    assert.equal(enabled, want.enabled, name);
    assert.equal(m.manifest.state, 'draft', 'no state key means draft');
    assert.deepEqual(
      parsed.warnings.filter((w) => w.message.startsWith('unknown key')),
      [],
      `${name}: every key of the original format is known`,
    );
  }
});

test('corpus manifests keep the details load-batch needs', { skip }, () => {
  const enriched = readManifest(corpusManifest('adhd_may25_enriched.yaml')).manifest;
  const data = enriched.sources.find((s) => s.code === 'adhd_may25_data');
  assert.ok(data);
  assert.equal(data.files[0]?.url, 'https://files.digital.nhs.uk/A3/8EAC22/ADHD_May25.csv');
  assert.equal(data.files[0]?.period, '2025-05');
  assert.equal(data.files[0]?.mode, 'replace');
  assert.equal(data.columns?.length, 5);
  assert.deepEqual(data.columns?.[4], {
    original_name: 'VALUE',
    semantic_name: 'value',
    description: 'The measured value for the indicator and age group.',
    data_type: 'integer',
    is_dimension: false,
    is_measure: true,
    query_keywords: ['value', 'count', 'number', 'metric'],
  });
  const gp = readManifest(corpusManifest('gp_appointments_nov25_enriched.yaml')).manifest;
  const mapping = gp.sources.find((s) => s.code === 'mapping');
  assert.equal(mapping?.files[0]?.extract, 'Mapping.csv');
  assert.equal(mapping?.files[0]?.mode, 'append');
  assert.equal(gp.sources.filter((s) => s.files.some((f) => f.sheet)).length > 10, true);
});

test('golden_datasets.yaml is not a manifest and is refused clearly', { skip }, () => {
  assert.throws(
    () => readManifest(corpusManifest('golden_datasets.yaml')),
    (err: DatawarpError) => {
      assert.equal(err.code, 'MANIFEST_INVALID');
      assert.match(err.oneLine(), /golden_datasets\.yaml: not a manifest but a golden-datasets list.*line 1/);
      return true;
    },
  );
});

const BAD = `manifest:
  name: demo
sources:
- code: good_one
  files:
  - url: https://example.org/a.csv
    period: 2025-05
- code: Bad-Code
  files:
  - url: https://example.org/b.csv
    mode: upsert
`;

test('schema errors point at the line of the key at fault', () => {
  const check = checkManifest(BAD, 'demo.yaml');
  assert.equal(check.manifest, null);
  const lines = check.problems.map((p) => formatProblem('demo.yaml', p));
  assert.ok(
    lines.some((l) => /^demo\.yaml:8: error: sources\.1\.code: must start with a letter/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^demo\.yaml:11: error: sources\.1\.files\.0\.mode/.test(l)),
    lines.join('\n'),
  );
  const file = path.join(tempDir(), 'demo.yaml');
  fs.writeFileSync(file, BAD);
  assert.throws(
    () => readManifest(file),
    (err: DatawarpError) => err.code === 'MANIFEST_INVALID' && err.location?.line === 8 && err.file === file,
  );
});

test('semantic problems: duplicate codes, repeated files, typos, odd periods', () => {
  const text = `manifest:
  name: demo
sources:
- code: a
  files:
  - url: https://example.org/a.csv
    period: 2025-05
  - url: https://example.org/a.csv
    period: 2025-05
- code: a
  enabeld: false
  files:
  - url: https://example.org/b.csv
    period: May 2025
    sheeet: Table 1
`;
  const check = checkManifest(text, 'm.yaml');
  const got = check.problems.map((p) => `${p.line} ${p.level} ${p.message}`);
  assert.ok(got.includes('8 error same file, sheet and period as files.0'), got.join('\n'));
  assert.ok(got.includes('10 error code a is already used by sources.0'), got.join('\n'));
  assert.ok(
    got.some((g) => /^11 warning unknown key enabeld \(did you mean enabled\?\)/.test(g)),
    got.join('\n'),
  );
  assert.ok(
    got.some((g) => /^14 warning period May 2025 is not a period code/.test(g)),
    got.join('\n'),
  );
  assert.ok(
    got.some((g) => /^15 warning unknown key sheeet \(did you mean sheet\?\)/.test(g)),
    got.join('\n'),
  );
});

test('YAML syntax errors and missing files are reported with their place', () => {
  const check = checkManifest('manifest:\n  name: x\nsources:\n  - code: a\n   files: [\n', 'broken.yaml');
  assert.equal(check.problems[0]?.level, 'error');
  assert.match(check.problems[0]?.message ?? '', /not valid YAML/);
  assert.ok((check.problems[0]?.line ?? 0) >= 4);
  assert.throws(
    () => readManifest('/nonexistent/m.yaml'),
    (err: DatawarpError) => err.code === 'FILE_NOT_FOUND',
  );
});

test('local paths are checked relative to the manifest', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'here.csv'), 'a\n1\n');
  const text = `manifest: {name: local}
sources:
- code: here
  files: [{path: here.csv, period: '2025-01'}]
- code: missing
  files: [{url: data/missing.csv, period: '2025-01'}]
`;
  const check = checkManifest(text, path.join(dir, 'm.yaml'));
  assert.deepEqual(
    check.problems.map((p) => `${p.line} ${p.message}`),
    [`6 local file not found: ${path.join(dir, 'data', 'missing.csv')}`],
  );
});

test('state updates keep comments and every other key', () => {
  const file = path.join(tempDir(), 'm.yaml');
  const original = `# monthly ADHD publication
manifest:
  name: adhd # the publication
  description: Generated from https://example.org/a-very-long-url-that-should-not-be-folded-into-several-lines-by-the-writer
sources:
- code: adhd
  enabled: true
  files:
  - url: https://example.org/a.csv # the main file
    period: 2025-05
`;
  fs.writeFileSync(file, original);
  updateManifestFile(file, {
    state: 'loaded',
    last_loaded: '2026-01-02T03:04:05.000Z',
    sources: {
      adhd: { last_loaded: '2026-01-02T03:04:05.000Z', load_mode: 'replace', load_mode_confidence: 0.9 },
    },
  });
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /^# monthly ADHD publication/);
  assert.match(text, /name: adhd # the publication/);
  assert.match(text, /url: https:\/\/example\.org\/a\.csv # the main file/);
  assert.match(text, /description: Generated from https:\/\/example\.org\/a-very-long-url\S+\n/);
  const m = readManifest(file).manifest;
  assert.equal(m.manifest.state, 'loaded');
  assert.equal(m.manifest.last_loaded, '2026-01-02T03:04:05.000Z');
  assert.equal(m.sources[0]?.last_loaded, '2026-01-02T03:04:05.000Z');
  assert.equal(m.sources[0]?.load_mode_confidence, 0.9);
  assert.equal(advanceState('exported', 'loaded'), 'exported');
  assert.equal(advanceState('enriched', 'loaded'), 'loaded');
});

test(
  'compare: the raw and enriched ADHD manifests differ by two renamed sources and two disabled ones',
  { skip },
  () => {
    const raw = readManifest(corpusManifest('adhd_may25.yaml')).manifest;
    const enriched = readManifest(corpusManifest('adhd_may25_enriched.yaml')).manifest;
    const diff = compareManifests(raw, enriched);
    assert.deepEqual(diff.sourcesAdded, []);
    assert.deepEqual(diff.sourcesRemoved, []);
    assert.deepEqual(
      diff.sourcesRenamed.map((r) => `${r.from} -> ${r.to}`),
      ['adhd_may25 -> adhd_may25_data', 'mhsds_historic -> mhsds_historic_adhd_data'],
    );
    assert.deepEqual(
      diff.changed
        .filter((c) => c.enabledChanged)
        .map((c) => c.code)
        .sort(),
      ['data_dictionary_data_dictionary', 'data_dictionary_title_page'],
    );
  },
);
