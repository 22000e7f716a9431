import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';

// The embedded default: no DATABASE_URL, a server of the workspace's own.
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-embedded-'));
fs.chmodSync(ws, 0o755);
const env = { DATABASE_URL: undefined, DATAWARP_HOME: ws };
after(async () => {
  await runCli(['db', 'stop'], { env, cwd: ws });
  fs.rmSync(ws, { recursive: true, force: true });
});

test('several processes at once share one embedded server', async () => {
  const results = await Promise.all([
    runCli(['db', 'url'], { env, cwd: ws }),
    runCli(['db', 'url'], { env, cwd: ws }),
    runCli(['demo', '--json'], { env, cwd: ws }),
    runCli(
      ['register', 'first', '--publication', 'p', '--domain', 'd', '--owner', 'a@b.org', '--purpose', 'x'],
      { env, cwd: ws },
    ),
    runCli(
      ['register', 'second', '--publication', 'p', '--domain', 'd', '--owner', 'a@b.org', '--purpose', 'x'],
      { env, cwd: ws },
    ),
  ]);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const [url1, url2] = results.map((r) => r.stdout.trim());
  assert.equal(url1, url2, 'one server, one URL');
  assert.match(url1!, /^postgres:\/\/datawarp:[^@]+@127\.0\.0\.1:\d+\/datawarp$/);

  const demo = JSON.parse(results[2]!.stdout) as { schemas: string[] };
  assert.deepEqual(demo.schemas, ['archive', 'bkp', 'datawarp', 'ref', 'staging', 'staging_test']);

  const client = new pg.Client({ connectionString: url1 });
  await client.connect();
  const { rows } = await client.query<{ source_code: string }>(
    // the demo registers its own demo_* sources
    `SELECT source_code FROM datawarp.tbl_data_sources WHERE source_code NOT LIKE 'demo\\_%' ORDER BY 1`,
  );
  await client.end();
  assert.deepEqual(
    rows.map((r) => r.source_code),
    ['first', 'second'],
  );

  const pidFile = path.join(ws, '.datawarp', 'pg', 'postmaster.pid');
  assert.ok(fs.existsSync(pidFile), 'server owns the workspace data directory');
  const mode = fs.statSync(path.join(ws, '.datawarp', 'pg.password')).mode & 0o777;
  assert.equal(mode, 0o600, 'password file is private');
});

test('db status reports server, version, size and migration level; stop and start again', async () => {
  const status = await runCli(['db', 'status', '--json'], { env, cwd: ws });
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as {
    running: boolean;
    version: string;
    databaseSizeBytes: number;
    migrationLevel: number;
    migrationsKnown: number;
  };
  assert.equal(s.running, true);
  assert.match(s.version, /^PostgreSQL 1[4-9]/);
  assert.ok(s.databaseSizeBytes > 1_000_000);
  assert.equal(s.migrationLevel, s.migrationsKnown);

  const stop = await runCli(['db', 'stop'], { env, cwd: ws });
  assert.match(stop.stdout, /stopped/);
  const stopped = JSON.parse((await runCli(['db', 'status', '--json'], { env, cwd: ws })).stdout) as {
    running: boolean;
  };
  assert.equal(stopped.running, false);

  // data survives a restart
  const sources = await runCli(['sources', '--json'], { env, cwd: ws });
  assert.equal(sources.code, 0, sources.stderr);
  const codes = (JSON.parse(sources.stdout) as { source_code: string }[]).map((r) => r.source_code);
  assert.deepEqual(
    codes.filter((c) => !c.startsWith('demo_')),
    ['first', 'second'],
  );
});
