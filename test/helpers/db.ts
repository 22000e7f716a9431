/**
 * A fresh database per test file, cloned from the template the test runner migrated
 * (test/run.ts). Real PostgreSQL, never a mock.
 */
import crypto from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: pg.Pool;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run tests with \`npm test\` (test/run.ts starts the database)`);
  return value;
}

export function databaseUrl(name: string): string {
  const u = new URL(requireEnv('DATAWARP_TEST_ADMIN_URL'));
  u.pathname = `/${name}`;
  return u.toString();
}

/** Create a migrated (or, with `empty`, a blank) database and drop it when the file's tests end. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  // template0 gives an empty database, for tests of migrating from nothing
  const template = options.empty ? 'template0' : requireEnv('DATAWARP_TEST_TEMPLATE');
  const run = requireEnv('DATAWARP_TEST_RUN');
  const name = `dw_test_${crypto.randomBytes(4).toString('hex')}_${run}`;
  const admin = new pg.Client({ connectionString: requireEnv('DATAWARP_TEST_ADMIN_URL') });
  await admin.connect();
  try {
    // CREATE DATABASE ... TEMPLATE fails while another session is cloning the same template
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
        );
        break;
      } catch (err) {
        if (attempt > 50 || (err as { code?: string }).code !== '55006') throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  after(async () => {
    await pool.end();
    const dropper = new pg.Client({ connectionString: requireEnv('DATAWARP_TEST_ADMIN_URL') });
    await dropper.connect();
    await dropper
      .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
      .catch(() => undefined);
    await dropper.end();
  });
  return { name, url, pool };
}
