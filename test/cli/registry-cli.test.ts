import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDatabase } from '../helpers/db.js';
import { runCli, tempDir } from '../helpers/cli.js';

const db = await createTestDatabase();
const env = { DATABASE_URL: db.url };
const cwd = tempDir();

const register = (code: string, extra: string[] = []) =>
  runCli(
    [
      'register',
      code,
      '--publication',
      'GP Registered Patients',
      '--domain',
      'Primary Care',
      '--owner',
      'data@nhs.net',
      '--purpose',
      'Practice list sizes',
      ...extra,
    ],
    { env, cwd },
  );

test('register, then see the source in `sources` and `sources show`', async () => {
  const reg = await register('gp_patients', ['--load-mode', 'append', '--retention-days', '730']);
  assert.equal(reg.code, 0, reg.stderr);
  assert.match(reg.stdout, /registered gp_patients: loads will land in staging\.tbl_gp_patients \(append\)/);

  const list = await runCli(['sources', '--json'], { env, cwd });
  assert.equal(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as {
    source_code: string;
    retention_days: number;
    load_mode: string;
  }[];
  assert.deepEqual(
    rows.map((r) => [r.source_code, r.retention_days, r.load_mode]),
    [['gp_patients', 730, 'append']],
  );

  const show = await runCli(['sources', 'show', 'gp_patients'], { env, cwd });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /rows\s+not created yet/);
  assert.match(show.stdout, /owner\s+data@nhs\.net/);
});

test('a refused registration is one line with a hint and a documented exit code', async () => {
  const bad = await register('gp_bad', ['--owner', 'not-an-email', '--owner', 'still bad']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 2, bad.stderr);
  assert.match(bad.stderr, /^datawarp: --owner must be an email address\nhint: /);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');

  const dup = await register('gp_patients');
  assert.equal(dup.code, 7);
  assert.match(dup.stderr, /already registered/);

  const missing = await runCli(['sources', 'show', 'nope'], { env, cwd });
  assert.equal(missing.code, 6);
  assert.match(missing.stderr, /source nope is not registered\nhint: register it first/);
});

test('history lists load events newest first', async () => {
  await db.pool
    .query(`INSERT INTO datawarp.tbl_load_events (source_code, load_status, rows_loaded, started_at)
                       VALUES ('gp_patients', 'failed', 0, now() - interval '1 day'),
                              ('gp_patients', 'completed', 6658, now())`);
  const res = await runCli(['history', 'gp_patients', '--json'], { env, cwd });
  assert.equal(res.code, 0, res.stderr);
  const events = JSON.parse(res.stdout) as { load_status: string; rows_loaded: string }[];
  assert.deepEqual(
    events.map((e) => [e.load_status, e.rows_loaded]),
    [
      ['completed', '6658'],
      ['failed', '0'],
    ],
  );
});

test('an unreachable database is a clear one-line error, not a stack trace', async () => {
  const res = await runCli(['sources'], {
    env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing', DATAWARP_DB_RETRIES: '2' },
    cwd,
  });
  assert.equal(res.code, 4);
  assert.match(
    res.stderr,
    /^datawarp: cannot reach the database at 127\.0\.0\.1:1\/nothing: .*ECONNREFUSED.*\nhint: check DATABASE_URL/,
  );
  assert.doesNotMatch(res.stderr, /\n\s+at /);
});

test('usage errors exit 2 and every command has --help with an example', async () => {
  const unknown = await runCli(['register'], { env, cwd });
  assert.equal(unknown.code, 2);
  for (const cmd of [['demo'], ['register'], ['sources'], ['history'], ['db']]) {
    const help = await runCli([...cmd, '--help'], { env, cwd });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Example/, `${cmd.join(' ')} --help has an example`);
  }
});
