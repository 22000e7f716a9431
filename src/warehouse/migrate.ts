import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { DatawarpError } from '../errors.js';

/**
 * Numbered SQL files in `migrations/` (`0001_schemas.sql`, ...), applied in order, each in its own
 * transaction and recorded in `datawarp.schema_migrations`. A session advisory lock serialises
 * migrators, so many workers starting together apply each file exactly once.
 */

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'migrations',
);
const LOCK_KEY = 'datawarp.migrate';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  readonly applied: readonly Migration[];
  readonly level: number;
}

export function listMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f));
  const migrations = files
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  // Gaps are allowed (parallel work reserves numbers); duplicates are not.
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1]!.version)
      throw new Error(`two migrations numbered ${m.version}`);
  });
  return migrations;
}

/** The highest migration number this datawarp ships. */
export function latestMigration(dir: string = MIGRATIONS_DIR): number {
  return Math.max(0, ...listMigrations(dir).map((m) => m.version));
}

export async function migrationLevel(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('datawarp.schema_migrations') IS NOT NULL AS exists",
  );
  if (!rows[0]?.exists) return 0;
  const level = await client.query<{ level: number | null }>(
    'SELECT max(version) AS level FROM datawarp.schema_migrations',
  );
  return level.rows[0]?.level ?? 0;
}

export async function migrate(client: pg.ClientBase, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = listMigrations(dir);
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
  try {
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS datawarp;
      CREATE TABLE IF NOT EXISTS datawarp.schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM datawarp.schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const newest = Math.max(0, ...done);
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > latest) {
      throw new DatawarpError(
        'MIGRATION_FAILED',
        `the database is at migration ${newest}, newer than this datawarp knows (${latest})`,
        { hint: 'upgrade datawarp before using this database' },
      );
    }
    const applied: Migration[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO datawarp.schema_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
        await client.query('COMMIT');
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new DatawarpError(
          'MIGRATION_FAILED',
          `migration ${m.name} failed: ${(cause as Error).message}`,
          {
            hint: 'the database was left at the previous migration',
            cause,
          },
        );
      }
      applied.push(m);
    }
    return { applied, level: latest };
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(() => undefined);
  }
}
