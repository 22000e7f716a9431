import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { DatawarpError } from '../errors.js';
import type { Workspace } from './workspace.js';

/**
 * `datawarp.yaml`, the workspace's optional config. People edit it by hand, so every problem is
 * reported with the file, the line and the key at fault. A missing file means all defaults.
 */

export const CONFIG_FILE = 'datawarp.yaml';

/** What a breached check means: a warning, a failure (rolls back with --validate), or not checked. */
export const CHECK_LEVELS = ['warn', 'fail', 'off'] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];

const level = z.enum(CHECK_LEVELS);

const Levels = z
  .object({
    empty: level.default('fail'),
    min_rows: level.default('warn'),
    max_rows: level.default('warn'),
    row_change: level.default('warn'),
    columns_added: level.default('warn'),
    type_change: level.default('warn'),
    all_null: level.default('warn'),
    duplicate_rows: level.default('warn'),
    duplicate_keys: level.default('fail'),
    future_dates: level.default('warn'),
    old_dates: level.default('warn'),
    descriptions: level.default('warn'),
  })
  .strict()
  .prefault({});
export type CheckName = keyof z.output<typeof Levels>;

const Validation = z
  .object({
    min_rows: z.number().int().nonnegative().default(10),
    max_rows: z.number().int().positive().default(10_000_000),
    max_change_pct: z.number().positive().default(50),
    max_columns_added: z.number().int().nonnegative().default(10),
    max_date_age_years: z.number().positive().default(10),
    min_described_pct: z.number().min(0).max(100).default(50),
    /** the duplicate-row check reads every loaded row; above this many rows it is skipped */
    duplicate_check_max_rows: z.number().int().nonnegative().default(2_000_000),
    levels: Levels,
  })
  .strict()
  .prefault({});

const Load = z
  .object({
    /** a load that brings this many new columns or more waits for review instead */
    review_columns_at: z.number().int().positive().default(5),
    /** a load event left `in_progress` this long is failed even if its owner cannot be checked */
    stale_after_hours: z.number().positive().default(24),
  })
  .strict()
  .prefault({});

const SourceConfig = z
  .object({
    /** columns that identify a row; duplicates fail the `duplicate_keys` check */
    key: z.array(z.string()).optional(),
    /** column name -> description, stored in the column metadata */
    descriptions: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** `datawarp watch`'s settings when its flags do not say (flags win). */
const Watch = z
  .object({
    /** the drop folder, relative to the workspace (default: dropoff) */
    dir: z.string().min(1).optional(),
    interval: z
      .string()
      .refine((text) => isDuration(text), 'must be a duration like 15s, 200ms, 2m or 1h')
      .default('15s'),
    stable_checks: z.number().int().positive().default(6),
    review: z.boolean().default(false),
    keep_backups: z.number().int().positive().default(5),
  })
  .strict()
  .prefault({});

function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

export const Config = z
  .object({
    validation: Validation,
    load: Load,
    watch: Watch,
    sources: z.record(z.string(), SourceConfig).default({}),
  })
  .passthrough();
export type Config = z.output<typeof Config>;
export type ValidationConfig = Config['validation'];
export type SourceSettings = z.output<typeof SourceConfig>;
export type WatchSettings = z.output<typeof Watch>;

export const DEFAULT_CONFIG: Config = Config.parse({});

/** Read the workspace's `datawarp.yaml`; defaults when there is none. */
export function loadConfig(ws: Workspace): Config {
  const file = path.join(ws.root, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return DEFAULT_CONFIG;
    throw new DatawarpError('CONFIG_INVALID', `cannot read the config: ${(err as Error).message}`, {
      file,
      cause: err,
    });
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = CONFIG_FILE): Config {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const reason = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new DatawarpError('CONFIG_INVALID', `not valid YAML: ${reason}`, {
      file,
      location: e.linePos?.[0] ? { line: e.linePos[0].line } : undefined,
      hint: 'check indentation and quoting near that line',
    });
  }
  const result = Config.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keyPath = issue.path.map(String);
  const unknown = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : null;
  const where = lineOf(doc.contents, keyPath, text);
  const key = keyPath.join('.') || '(top level)';
  throw new DatawarpError(
    'CONFIG_INVALID',
    unknown ? `${key}: unknown key ${unknown}` : `${key}: ${issue.message}`,
    {
      file,
      location: where ? { line: where } : undefined,
      hint: 'see docs/cli.md, section "datawarp.yaml", for the keys and their defaults',
    },
  );
}

/** 1-based line of the node at `keyPath`, or of its nearest existing parent. */
function lineOf(root: YamlNode | null, keyPath: readonly string[], text: string): number | undefined {
  let node: unknown = root;
  let offset: number | undefined = (root as { range?: [number] } | null)?.range?.[0];
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === key);
      if (!pair) break;
      offset = (pair.key as { range?: [number] })?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (!item) break;
      offset = (item as { range?: [number] }).range?.[0] ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return undefined;
  return text.slice(0, offset).split('\n').length;
}
