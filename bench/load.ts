/**
 * `npm run bench:load`: datawarp's end-to-end load against the physical limit, in the same run.
 *
 * 1. generate a 1,000,000-row, 8-column CSV (text, codes, dates, integers, decimals, quoted
 *    commas, empty cells);
 * 2. baseline: create the right typed table by hand and time `psql \copy` of the file (COPY FROM
 *    STDIN through pg-copy-streams when psql is missing);
 * 3. time `datawarp load` of the same file into a fresh registered source (detect, infer, create,
 *    COPY, validate, audit), as a separate process, and read its peak RSS;
 * 4. print the ratio (target <= 1.3), the memory and where the load's time went; for the 1M-row
 *    file also the median of per-round ratios, `\copy` into a table whose rows store datawarp's
 *    lineage columns, a second load appended to the table the first made (which, unlike a
 *    first load, stores its lineage in every row), and the same rows with one `"1,000"` (the
 *    typed path: datawarp's reader converts every value).
 *
 * Options (environment): BENCH_ROWS (default 1000000); BENCH_REPEAT (runs of each, default 3);
 * BENCH_BIG=1 adds a ~2 GB file (BENCH_BIG_ROWS, default 21000000; memory must stay flat, target
 * peak RSS < 300 MB; slow); BENCH_XLSX=1 adds a 100,000-row xlsx.
 * Uses DATABASE_URL when set, else an embedded PostgreSQL in bench/out/ws.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { formatCount } from '../src/format.js';
import { resolveWorkspace } from '../src/storage/workspace.js';
import { resolveTarget } from '../src/warehouse/connection.js';
import { migrate } from '../src/warehouse/migrate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out');
const BIN = path.join(ROOT, 'bin', 'datawarp.js');
const HOOK = path.join(ROOT, 'bench', 'rss-hook.mjs');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));

const HEADER = 'Org Name,Org Code,Period Date,Referrals,Mean Wait Days,Address,Seen Within Target,Notes';
const BASELINE_COLUMNS = `org_name text, org_code text, period_date date, referrals integer, mean_wait_days numeric,
  address text, seen_within_target integer, notes text`;

const towns = ['Leeds', 'York', 'Hull', 'Bradford', 'Sheffield', 'Wakefield', 'Harrogate', 'Scarborough'];

function row(i: number): string {
  const town = towns[i % towns.length]!;
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((i % 12) + 1).padStart(2, '0');
  const wait = ((i * 7919) % 100_000) / 100;
  const notes = i % 5 === 0 ? '' : i % 5 === 1 ? `"note, with comma ${i}"` : `ok ${i % 97}`;
  const seen = i % 11 === 0 ? '' : String((i * 31) % 5000);
  return `${town} Health Centre ${i},RX${String(i % 100_000).padStart(5, '0')},2024-${month}-${day},${(i * 13) % 100_000},${wait},"${i % 300} High Street, ${town}",${seen},${notes}\n`;
}

async function generate(file: string, rows: number): Promise<number> {
  if (
    fs.existsSync(file) &&
    fs.existsSync(`${file}.rows`) &&
    fs.readFileSync(`${file}.rows`, 'utf8') === String(rows)
  )
    return fs.statSync(file).size;
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, HEADER + '\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += row(i);
    if (chunk.length > 4 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.writeFileSync(`${file}.rows`, String(rows));
  return fs.statSync(file).size;
}

/**
 * The file with one number written `"1,000"` near its top: a thousands separator is a format only
 * datawarp's reader reads, so this file takes the typed path.
 */
function typedVariant(csv: string): string {
  const out = csv.replace(/\.csv$/, '_typed.csv');
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(csv).mtimeMs) return out;
  const text = fs.readFileSync(csv, 'utf8');
  const second = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
  const end = text.indexOf('\n', second);
  const fields = text.slice(second, end).split(',');
  fields[3] = '"1,000"'; // referrals, before the quoted address
  fs.writeFileSync(out, text.slice(0, second) + fields.join(',') + text.slice(end));
  return out;
}

function hasPsql(): boolean {
  return spawnSync('psql', ['--version']).status === 0;
}

/**
 * The lineage columns every datawarp table carries, with the constant defaults a first load gives
 * them: `\copy` into this shape is what PostgreSQL alone needs for datawarp's wider rows.
 */
const LINEAGE_COLUMNS = `_load_id bigint DEFAULT 1, _loaded_at timestamptz DEFAULT now(), _period text,
  _period_start date, _period_end date, _source_file text DEFAULT 'bench.csv'`;
const DATA_COLUMN_NAMES =
  'org_name, org_code, period_date, referrals, mean_wait_days, address, seen_within_target, notes';

async function baseline(
  url: string,
  table: string,
  file: string,
  withLineage = false,
): Promise<{ seconds: number; how: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP TABLE IF EXISTS public.${table}`);
  await client.query(
    `CREATE TABLE public.${table} (${BASELINE_COLUMNS}${withLineage ? `, ${LINEAGE_COLUMNS}` : ''})`,
  );
  const target = withLineage ? `public.${table} (${DATA_COLUMN_NAMES})` : `public.${table}`;
  await settle(client);
  const started = performance.now();
  let how: string;
  if (hasPsql()) {
    how = 'psql \\copy';
    const res = spawnSync(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${target} FROM '${file}' WITH (FORMAT csv, HEADER true)`],
      { encoding: 'utf8' },
    );
    if (res.status !== 0) throw new Error(`psql \\copy failed: ${res.stderr}`);
  } else {
    how = 'COPY FROM STDIN via pg-copy-streams (psql not found)';
    await pipeline(
      fs.createReadStream(file),
      client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT csv, HEADER true)`)),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM public.${table}`);
  if (Number(rows[0]!.n) === 0) throw new Error('baseline loaded no rows');
  await client.query(`DROP TABLE public.${table}`);
  await client.end();
  return { seconds, how };
}

function runDatawarp(
  args: string[],
  env: Record<string, string>,
): Promise<{ seconds: number; rss: number; stdout: string }> {
  const rssFile = path.join(OUT, `rss-${process.pid}-${Date.now()}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', HOOK, BIN, ...args], {
      env: { ...process.env, ...env, DATAWARP_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`datawarp ${args.join(' ')} exited ${code}: ${stderr}`));
      const rss = Number(fs.readFileSync(rssFile, 'utf8'));
      fs.rmSync(rssFile, { force: true });
      resolve({ seconds, rss, stdout });
    });
  });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * Time the baseline and `datawarp load` `repeat` times, alternating (each load into a fresh
 * source), and print the medians: on a shared machine one run says little.
 */
async function compare(
  label: string,
  url: string,
  workspaceArgs: string[],
  env: Record<string, string>,
  file: string,
  csvForBaseline: string,
  code: string,
  repeat: number,
  /**
   * also time `\copy` into a table whose rows store datawarp's lineage columns, and a second
   * `datawarp load` of the file appended to the table the first made: a later load stores its
   * lineage in every row, where a first load's lives in the catalog
   */
  detail = false,
): Promise<void> {
  const bases: number[] = [];
  const floors: number[] = [];
  const appends: number[] = [];
  const loads: number[] = [];
  const rss: number[] = [];
  const phases: Record<string, number>[] = [];
  let how = '';
  let summary = '';
  const typed: number[] = [];
  const typedRss: number[] = [];
  const register = (source: string) =>
    runDatawarp(
      [
        ...workspaceArgs,
        'register',
        source,
        '--publication',
        'Benchmark',
        '--domain',
        'Benchmark',
        '--owner',
        'bench@example.org',
        '--purpose',
        'bench:load',
        '--load-mode',
        'replace',
        '--validation-required',
        'false',
      ],
      env,
    );
  for (let i = 0; i < repeat; i++) {
    const source = `${code}_${i}`;
    await register(source);
    const base = await baseline(url, `bench_baseline_${source}`, csvForBaseline);
    how = base.how;
    bases.push(base.seconds);
    if (detail) floors.push((await baseline(url, `bench_floor_${source}`, csvForBaseline, true)).seconds);
    await settle(url);
    const load = await runDatawarp([...workspaceArgs, 'load', file, '--source', source, '--json'], env);
    loads.push(load.seconds);
    rss.push(load.rss);
    const result = JSON.parse(load.stdout) as {
      rowsLoaded: number;
      status: string;
      readPath: string;
      durationMs: number;
      timings: Record<string, number>;
    };
    // what the load's own clock does not see: starting Node, loading modules, opening the database, exiting
    phases.push({ startAndExitMs: load.seconds * 1000 - result.durationMs, ...result.timings });
    if (detail) {
      await settle(url);
      const args = ['load', file, '--source', source, '--mode', 'append', '--force', '--json'];
      appends.push((await runDatawarp([...workspaceArgs, ...args], env)).seconds);
      await register(`${source}_typed`);
      await settle(url);
      const t = await runDatawarp(
        [...workspaceArgs, 'load', typedVariant(file), '--source', `${source}_typed`, '--json'],
        env,
      );
      if (!t.stdout.includes('"readPath": "typed"'))
        throw new Error('the typed variant did not take the typed path');
      typed.push(t.seconds);
      typedRss.push(t.rss);
      await dropLoaded(url, `${source}_typed`);
    }
    await dropLoaded(url, source);
    summary = `${formatCount(result.rowsLoaded)} rows, ${result.status}, ${result.readPath} path`;
  }
  const b = median(bases);
  const l = median(loads);
  const runs = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  console.log(`\n${label} (${repeat} runs each, alternating; medians)`);
  console.log(`  baseline (${how}, typed table made by hand): ${b.toFixed(2)} s  [${runs(bases)}]`);
  console.log(
    `  datawarp load (detect, infer, create, COPY, validate, audit): ${l.toFixed(2)} s  [${runs(loads)}], ${summary}`,
  );
  console.log(
    `  ratio: ${(l / b).toFixed(2)}x (target <= 1.3x); peak RSS of datawarp load ${mb(Math.max(...rss))}`,
  );
  // on a shared machine the load of the moment moves both timings of a round together
  const paired = median(loads.map((x, i) => x / bases[i]!));
  console.log(`  median of per-round ratios (load / baseline of the same round): ${paired.toFixed(2)}x`);
  const where = Object.keys(phases[0] ?? {}).map(
    (k) => `${k.replace(/Ms$/, '')} ${(median(phases.map((p) => p[k]!)) / 1000).toFixed(2)} s`,
  );
  console.log(`  where the load's time goes (medians): ${where.join(', ')}`);
  if (floors.length) {
    const f = median(floors);
    const a = median(appends);
    console.log(
      `  ${how} into a table whose rows store the 6 lineage columns: ${f.toFixed(2)} s  [${runs(floors)}] = ${(f / b).toFixed(2)}x the baseline`,
    );
    console.log(
      `  datawarp load --mode append of the same file into the table the first load made: ${a.toFixed(2)} s  [${runs(appends)}] = ${(a / b).toFixed(2)}x the baseline, ${(a / f).toFixed(2)}x the line above`,
    );
    const t = median(typed);
    console.log(
      `  datawarp load of the same rows with one "1,000" (the typed path): ${t.toFixed(2)} s  [${runs(typed)}] = ${(t / b).toFixed(2)}x the baseline; peak RSS ${mb(Math.max(...typedRss))}`,
    );
  }
}

async function dropLoaded(url: string, source: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP TABLE IF EXISTS staging.${pg.escapeIdentifier(`tbl_${source}`)}`);
  await client.end();
}

/**
 * Every timed run starts after a checkpoint: otherwise one the earlier runs' WAL set off (each
 * writes ~200 MB of it) lands in the middle of whichever run comes next, baseline or load.
 */
async function settle(db: string | pg.Client): Promise<void> {
  const client = typeof db === 'string' ? new pg.Client({ connectionString: db }) : db;
  if (typeof db === 'string') await client.connect();
  await client.query('CHECKPOINT').catch(() => undefined);
  if (typeof db === 'string') await client.end();
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  fs.chmodSync(OUT, 0o755);
  const wsDir = path.join(OUT, 'ws');
  fs.mkdirSync(wsDir, { recursive: true });
  fs.chmodSync(wsDir, 0o755);
  const ws = resolveWorkspace(wsDir);
  const target = await resolveTarget(ws);
  const env: Record<string, string> = process.env.DATABASE_URL
    ? { DATABASE_URL: process.env.DATABASE_URL }
    : {};
  const wsArgs = ['--workspace', wsDir];
  {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await migrate(client);
    await client.query(`SET client_min_messages = warning`);
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    console.log(`PostgreSQL ${rows[0]!.v} (${target.mode}); node ${process.version}`);
    // fresh sources each run
    await client.query(`DELETE FROM datawarp.tbl_data_sources WHERE source_code LIKE 'bench\\_%'`);
    for (const t of (
      await client.query<{ t: string }>(
        `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'staging' AND tablename LIKE 'tbl\\_bench\\_%'`,
      )
    ).rows)
      await client.query(`DROP TABLE staging.${pg.escapeIdentifier(t.t)}`);
    await client.end();
  }
  const stamp = Date.now().toString(36);

  const csv = path.join(OUT, `bench_${ROWS}.csv`);
  const size = await generate(csv, ROWS);
  console.log(`generated ${csv}: ${formatCount(ROWS)} rows, ${mb(size)}`);
  await compare(
    `${formatCount(ROWS)}-row CSV`,
    target.url,
    wsArgs,
    env,
    csv,
    csv,
    `bench_csv_${stamp}`,
    REPEAT,
    true,
  );

  if (process.env.BENCH_XLSX === '1') {
    const XLSX = await import('@e965/xlsx');
    const n = 100_000;
    const xcsv = path.join(OUT, `bench_${n}.csv`);
    await generate(xcsv, n);
    const xlsx = path.join(OUT, `bench_${n}.xlsx`);
    if (!fs.existsSync(xlsx)) {
      const wb = XLSX.read(fs.readFileSync(xcsv, 'utf8'), { type: 'string', cellDates: true });
      fs.writeFileSync(
        xlsx,
        XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer,
      );
    }
    await compare(
      `100,000-row xlsx (baseline: \\copy of the same rows as CSV)`,
      target.url,
      wsArgs,
      env,
      xlsx,
      xcsv,
      `bench_xlsx_${stamp}`,
      1,
    );
  }

  if (process.env.BENCH_BIG === '1') {
    const bigRows = Number(process.env.BENCH_BIG_ROWS ?? 21_000_000); // ~2 GB
    const big = path.join(OUT, `bench_${bigRows}.csv`);
    const bigSize = await generate(big, bigRows);
    console.log(`\ngenerated ${big}: ${formatCount(bigRows)} rows, ${mb(bigSize)}`);
    await compare(
      `${mb(bigSize)} CSV (memory must stay flat: target peak RSS < 300 MB)`,
      target.url,
      wsArgs,
      env,
      big,
      big,
      `bench_big_${stamp}`,
      1,
    );
  }
}

await main();
