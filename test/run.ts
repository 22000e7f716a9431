/**
 * The test command. Starts one PostgreSQL for the whole run — the embedded one in a temporary
 * workspace, or the server in DATABASE_URL — migrates a template database once, then runs every
 * `*.test.ts` under test/ with node's test runner. Each test file clones its own fresh database
 * from the template (test/helpers/db.ts).
 *
 *   node --import tsx test/run.ts [--db-only] [files...]
 *
 * --db-only runs just the files that use a database (CI runs them again against DATABASE_URL).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { resolveWorkspace } from '../src/storage/workspace.js';
import { resolveTarget } from '../src/warehouse/connection.js';
import { stopEmbedded } from '../src/warehouse/embedded.js';
import { migrate } from '../src/warehouse/migrate.js';

const args = process.argv.slice(2);
const dbOnly = args.includes('--db-only');
const explicit = args.filter((a) => !a.startsWith('--'));
const testDir = path.dirname(new URL(import.meta.url).pathname);

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'fixtures' ? [] : findTests(p);
      return e.name.endsWith('.test.ts') ? [p] : [];
    })
    .sort();
}

const usesDatabase = (file: string) => /helpers\/db\.js/.test(fs.readFileSync(file, 'utf8'));

let files = explicit.length ? explicit.map((f) => path.resolve(f)) : findTests(testDir);
if (dbOnly) files = files.filter(usesDatabase);
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}

const needsDb = files.some(usesDatabase);
const runId = crypto.randomBytes(4).toString('hex');
const template = `dw_test_template_${runId}`;
let tmpWorkspace: string | null = null;
let adminUrl: string | null = null;

async function setUp(): Promise<void> {
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    console.log(`tests use the PostgreSQL server in DATABASE_URL (${new URL(adminUrl).host})`);
  } else {
    tmpWorkspace = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-test-pg-'));
    fs.chmodSync(tmpWorkspace, 0o755);
    const target = await resolveTarget(resolveWorkspace(tmpWorkspace));
    adminUrl = target.url;
    console.log(`tests use an embedded PostgreSQL in ${tmpWorkspace}`);
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
  await admin.end();
  const tpl = new pg.Client({ connectionString: withDatabase(adminUrl, template) });
  await tpl.connect();
  await migrate(tpl);
  await tpl.end();
}

async function tearDown(): Promise<void> {
  if (!adminUrl) return;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`dw_test_%${runId}%`],
    );
    for (const { datname } of rows) {
      await admin
        .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`)
        .catch(() => undefined);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  if (tmpWorkspace) {
    await stopEmbedded(resolveWorkspace(tmpWorkspace)).catch(() => undefined);
    fs.rmSync(tmpWorkspace, { recursive: true, force: true });
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function runTests(): Promise<number> {
  const concurrency = process.env.DATAWARP_TEST_CONCURRENCY ?? String(Math.max(2, os.availableParallelism()));
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${concurrency}`,
        '--test-timeout=300000',
        '--test-reporter=spec',
        ...files,
      ],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          ...(adminUrl
            ? {
                DATAWARP_TEST_ADMIN_URL: adminUrl,
                DATAWARP_TEST_TEMPLATE: template,
                DATAWARP_TEST_RUN: runId,
              }
            : {}),
        },
      },
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
}

let code: number;
try {
  if (needsDb) await setUp();
  code = await runTests();
} finally {
  await tearDown();
}
process.exit(code);
