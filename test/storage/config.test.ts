import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.js';
import { DEFAULT_CONFIG, loadConfig, parseConfig } from '../../src/storage/config.js';
import { resolveWorkspace } from '../../src/storage/workspace.js';
import { tempDir } from '../helpers/cli.js';

test('no datawarp.yaml means the documented defaults', () => {
  const config = loadConfig(resolveWorkspace(tempDir()));
  assert.deepEqual(config, DEFAULT_CONFIG);
  assert.equal(config.validation.min_rows, 10);
  assert.equal(config.validation.max_rows, 10_000_000);
  assert.equal(config.validation.max_change_pct, 50);
  assert.equal(config.validation.levels.empty, 'fail');
  assert.equal(config.validation.levels.duplicate_keys, 'fail');
  assert.equal(config.load.review_columns_at, 5);
});

test('values override defaults; other sections of the file are left to their owners', () => {
  const c = parseConfig(
    'database:\n  url: postgres://x\nvalidation:\n  min_rows: 3\n  levels:\n    row_change: fail\nsources:\n  gp:\n    key: [practice_code]\n',
  );
  assert.equal(c.validation.min_rows, 3);
  assert.equal(c.validation.max_rows, 10_000_000);
  assert.equal(c.validation.levels.row_change, 'fail');
  assert.equal(c.validation.levels.all_null, 'warn');
  assert.deepEqual(c.sources.gp?.key, ['practice_code']);
});

test('a bad value or unknown key is a one-line error naming the file and line', () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'datawarp.yaml'),
    '# thresholds\nvalidation:\n  min_rows: 10\n  max_change_pct: lots\n',
  );
  assert.throws(
    () => loadConfig(resolveWorkspace(dir)),
    (err: Error & { oneLine(): string; exitCode: number; hint?: string }) => {
      assert.match(err.oneLine(), /datawarp\.yaml: validation\.max_change_pct: .* \(line 4\)$/);
      assert.equal(err.exitCode, EXIT.usage);
      assert.ok(err.hint);
      return true;
    },
  );
  assert.throws(
    () => parseConfig('validation:\n  levels:\n    row_count: loud\n', 'datawarp.yaml'),
    /validation\.levels: unknown key row_count/,
  );
  assert.throws(
    () => parseConfig('validation:\n  levels: {all_null: loud}\n'),
    /validation\.levels\.all_null/,
  );
  assert.throws(
    () => parseConfig('validation: [1, 2\n'),
    (err: Error & { location?: { line?: number } }) =>
      /not valid YAML/.test(err.message) && err.location?.line !== undefined,
  );
});
