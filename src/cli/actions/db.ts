import type { Command } from 'commander';
import { describeUrl, openPool, resolveTarget } from '../../warehouse/connection.js';
import { embeddedStatus, startEmbedded, stopEmbedded } from '../../warehouse/embedded.js';
import { latestMigration, migrate, migrationLevel } from '../../warehouse/migrate.js';
import { workspaceOf } from '../context.js';
import { printJson, renderFields } from '../output.js';

export interface DatabaseStatus {
  mode: 'embedded' | 'url';
  server: string;
  running: boolean;
  version: string | null;
  databaseSizeBytes: number | null;
  migrationLevel: number | null;
  migrationsKnown: number;
  dataDir: string | null;
}

export async function runDbStart(opts: { json?: boolean }, cmd: Command): Promise<void> {
  const ws = workspaceOf(cmd);
  if (process.env.DATABASE_URL) {
    const pool = await openPool(process.env.DATABASE_URL);
    await pool.end();
    report(
      opts.json,
      { mode: 'url', started: false },
      `using DATABASE_URL (${describeUrl(process.env.DATABASE_URL)}): nothing to start`,
    );
    return;
  }
  const { port, started } = await startEmbedded(ws);
  report(
    opts.json,
    { mode: 'embedded', started, port },
    started
      ? `embedded database started on port ${port}`
      : `embedded database already running on port ${port}`,
  );
}

export async function runDbStop(opts: { json?: boolean }, cmd: Command): Promise<void> {
  const stopped = await stopEmbedded(workspaceOf(cmd));
  report(opts.json, { stopped }, stopped ? 'embedded database stopped' : 'embedded database was not running');
}

export async function runDbUrl(_opts: unknown, cmd: Command): Promise<void> {
  const target = await resolveTarget(workspaceOf(cmd));
  process.stdout.write(target.url + '\n');
}

export async function runDbMigrate(opts: { json?: boolean }, cmd: Command): Promise<void> {
  const target = await resolveTarget(workspaceOf(cmd));
  const pool = await openPool(target.url);
  const client = await pool.connect();
  try {
    const result = await migrate(client);
    const names = result.applied.map((m) => m.name);
    report(
      opts.json,
      { applied: names, level: result.level },
      names.length
        ? `applied ${names.join(', ')}; now at migration ${result.level}`
        : `up to date at migration ${result.level}`,
    );
  } finally {
    client.release();
    await pool.end();
  }
}

export async function runDbStatus(opts: { json?: boolean }, cmd: Command): Promise<void> {
  const status = await databaseStatus(workspaceOf(cmd));
  if (opts.json) return printJson(status);
  console.log(
    renderFields([
      ['server', status.server],
      ['running', status.running ? 'yes' : 'no'],
      ['version', status.version ?? '-'],
      ['database size', status.databaseSizeBytes === null ? '-' : formatBytes(status.databaseSizeBytes)],
      [
        'migrations',
        status.migrationLevel === null ? '-' : `${status.migrationLevel} of ${status.migrationsKnown}`,
      ],
      ...(status.dataDir ? ([['data directory', status.dataDir]] as const) : []),
    ]),
  );
}

/** Status never starts the embedded server: it reports what is there. */
async function databaseStatus(ws: ReturnType<typeof workspaceOf>): Promise<DatabaseStatus> {
  const known = latestMigration();
  const envUrl = process.env.DATABASE_URL;
  const embedded = envUrl ? null : embeddedStatus(ws);
  const base: DatabaseStatus = {
    mode: envUrl ? 'url' : 'embedded',
    server: envUrl
      ? describeUrl(envUrl)
      : embedded?.running
        ? `embedded, 127.0.0.1:${embedded.port}`
        : 'embedded (stopped)',
    running: envUrl ? false : (embedded?.running ?? false),
    version: null,
    databaseSizeBytes: null,
    migrationLevel: null,
    migrationsKnown: known,
    dataDir: embedded?.dataDir ?? null,
  };
  if (!envUrl && !embedded?.running) return base;
  const target = await resolveTarget(ws);
  const pool = await openPool(target.url);
  try {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ version: string; size: string }>(
        "SELECT current_setting('server_version') AS version, pg_database_size(current_database()) AS size",
      );
      return {
        ...base,
        running: true,
        version: `PostgreSQL ${rows[0]?.version}`,
        databaseSizeBytes: Number(rows[0]?.size),
        migrationLevel: await migrationLevel(client),
      };
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

function report(json: boolean | undefined, data: unknown, text: string): void {
  if (json) printJson(data);
  else console.log(text);
}
