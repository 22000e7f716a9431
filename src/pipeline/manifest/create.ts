/**
 * `datawarp manifest create URL|PATH... -o FILE` (the original `url_to_manifest`): download
 * each file (or every data file linked from a landing page), detect its tables, and write a draft
 * manifest — one source per table, codes without dates so next month's release gets the same
 * codes, a period per file, notes and cover sheets present but disabled, and the load-mode
 * classifier's recommendation per source.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  detectFile,
  detectPeriod,
  snakeCase,
  tableNameFrom,
  type FileSpec,
  type Period,
  type TableSpec,
} from '../../engine/index.js';
import { DatawarpError, isDatawarpError } from '../../errors.js';
import { downloadToCache, safeDecode, type DownloadOptions } from '../../storage/download.js';
import type { Workspace } from '../../storage/workspace.js';
import { expandInput, type Candidate } from './inputs.js';
import { classifyLoadMode, type FileObservation, type LoadHistory } from './load-mode.js';
import { observeTable } from './observe.js';
import { checkManifest } from './parse.js';
import { MANIFEST_CODE_PATTERN } from './schema.js';
import { manifestToYaml, writeAtomically } from './write.js';

export interface CreateOptions {
  readonly inputs: readonly string[];
  readonly output: string;
  /** overwrite an existing output file */
  readonly force?: boolean;
  /** the manifest's name; derived from the page title or first file otherwise */
  readonly name?: string;
  readonly download?: DownloadOptions;
  readonly onProgress?: (message: string) => void;
  readonly now?: () => Date;
  /** evidence from earlier loads of a source code (duplicates across periods), when a database is at hand */
  readonly history?: (code: string) => Promise<LoadHistory | null>;
}

export interface CreateFailure {
  readonly input: string;
  readonly code: string;
  readonly message: string;
}

export interface CreateResult {
  readonly output: string;
  readonly name: string;
  readonly files: number;
  readonly sources: number;
  readonly enabled: number;
  readonly failures: readonly CreateFailure[];
}

interface DraftFile {
  readonly entry: Record<string, unknown>;
  readonly observation: FileObservation;
}

interface DraftSource {
  readonly code: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly description: string | undefined;
  readonly columns: readonly Record<string, unknown>[];
  readonly files: DraftFile[];
  /** `file|member|sheet|table` of the first table that claimed this code */
  readonly origin: string;
}

const NOTES_SHEET =
  /^(cover|contents|notes?|title|about|metadata|definitions|glossary|read ?me|information)\b/i;

export async function createManifest(ws: Workspace, opts: CreateOptions): Promise<CreateResult> {
  if (!opts.inputs.length) throw new DatawarpError('USAGE', 'give at least one URL or path');
  if (fs.existsSync(opts.output) && !opts.force)
    throw new DatawarpError('USAGE', 'output file already exists; nothing was written', {
      file: opts.output,
      hint: 'choose another -o, or add --force to overwrite it',
    });
  const progress = opts.onProgress ?? (() => undefined);
  const failures: CreateFailure[] = [];
  const candidates: Candidate[] = [];
  for (const input of opts.inputs) {
    try {
      candidates.push(...(await expandInput(ws, input, opts.download ?? {}, progress)));
    } catch (err) {
      failures.push(failureOf(input, err));
    }
  }

  const sources = new Map<string, DraftSource>();
  let filesDescribed = 0;
  const seen = new Set<string>();
  for (const c of candidates) {
    // two pages (or a page and a direct link) may name the same file
    if (seen.has(c.locator)) continue;
    seen.add(c.locator);
    try {
      progress(`detecting ${c.displayName}`);
      const local = c.url
        ? (await downloadToCache(ws, c.url, { ...opts.download })).path
        : path.resolve(c.locator);
      const spec = await detectFile(local, { displayName: c.displayName, url: c.url ?? undefined });
      const period = spec.period ?? detectPeriod(c.displayName, c.page?.title, c.page?.url);
      await addTables(sources, opts.output, c, local, spec, period);
      filesDescribed++;
    } catch (err) {
      failures.push(failureOf(c.locator, err));
    }
  }
  if (!sources.size) {
    const first = failures[0];
    throw new DatawarpError('NO_TABLE', `no tables found in ${opts.inputs.join(', ')}; nothing was written`, {
      hint: first
        ? `first problem: ${first.input}: ${first.message}`
        : 'give data files (csv, xlsx, xls, zip) or a page linking to them',
    });
  }

  const page = candidates.find((c) => c.page)?.page ?? null;
  const name = opts.name ?? manifestName(page?.title ?? null, candidates[0]!, [...sources.values()]);
  const document = {
    manifest: {
      name,
      description: `Generated from ${opts.inputs.join(', ')}`,
      created_at: (opts.now ?? (() => new Date()))().toISOString().slice(0, 10),
      source_url: page?.url ?? opts.inputs[0],
      state: 'draft',
      ...(page?.title && publicationOf(page.title) ? { publication: publicationOf(page.title) } : {}),
    },
    sources: await Promise.all(
      [...sources.values()].map(async (s) => renderSource(s, (await opts.history?.(s.code)) ?? undefined)),
    ),
  };
  const header = [
    `datawarp manifest (draft) from: ${opts.inputs.join(' ')}`,
    'Review it: fill in owner, domain and purpose (here or in datawarp.yaml) so load-batch can register',
    'the sources, and check the disabled ones. docs/manifests.md describes every key.',
  ].join('\n');
  const text = manifestToYaml(document, header);
  // what create writes must pass validate; a problem here is a bug, not the user's
  const problem = checkManifest(text, opts.output).problems.find((p) => p.level === 'error');
  if (problem)
    throw new Error(`manifest create produced an invalid manifest: ${problem.path}: ${problem.message}`);
  writeAtomically(opts.output, text);
  const all = document.sources;
  return {
    output: opts.output,
    name,
    files: filesDescribed,
    sources: all.length,
    enabled: all.filter((s) => s.enabled).length,
    failures,
  };
}

async function addTables(
  sources: Map<string, DraftSource>,
  output: string,
  c: Candidate,
  local: string,
  spec: FileSpec,
  period: Period | null,
): Promise<void> {
  const fileCode = fileCodeOf(c);
  // tables sharing a sheet (or member) get _2, _3 in their order on it
  const seenPlace = new Map<string, number>();
  for (const table of spec.tables) {
    const place = `${table.member ?? ''}|${table.sheet ?? ''}`;
    const nth = (seenPlace.get(place) ?? 0) + 1;
    seenPlace.set(place, nth);
    const several = spec.tables.filter((t) => `${t.member ?? ''}|${t.sheet ?? ''}` === place).length > 1;
    let code = codeFor(fileCode, table, nth);
    const origin = `${fileCode}|${table.member ?? ''}|${table.sheet ?? ''}|${nth}`;
    // the same code from another place in the same release is a different table: keep them apart
    const existing = sources.get(code);
    if (
      existing &&
      existing.origin !== origin &&
      existing.files.some((f) => (f.entry.period ?? null) === (period?.code ?? null))
    )
      code = uniqueCode(sources, code);
    const observation = await observeTable(local, spec, table, period);
    const entry: Record<string, unknown> = {
      ...(c.url ? { url: c.url } : { path: localPathFor(c.locator, output) }),
      ...(period ? { period: period.code } : {}),
      ...(table.member ? { extract: table.member } : {}),
      ...(table.sheet ? { sheet: table.sheet } : {}),
      ...(several ? { table_index: nth } : {}),
    };
    const draft = sources.get(code);
    if (draft) {
      draft.files.push({ entry, observation });
      continue;
    }
    const hidden = table.warnings.some((w) => /sheet is hidden/.test(w));
    const memberName = table.member?.split('/').pop() ?? null;
    const notes =
      table.kind === 'notes' ||
      (table.sheet !== null && NOTES_SHEET.test(table.sheet.trim())) ||
      (memberName !== null && NOTES_SHEET.test(memberName.replace(/[_-]+/g, ' ')));
    sources.set(code, {
      code,
      name: humanName(c.displayName, table),
      enabled: !notes && !hidden,
      description: notes
        ? 'Notes, cover or contents (disabled by manifest create)'
        : hidden
          ? 'Hidden sheet, usually a lookup for the visible tables (disabled by manifest create)'
          : undefined,
      columns: notes
        ? []
        : table.columns.map((col) => ({
            original_name: col.header,
            semantic_name: col.name,
            data_type: col.type,
          })),
      files: [{ entry, observation }],
      origin,
    });
  }
}

/** Relative to the manifest when the file sits beside or below it, absolute otherwise. */
function localPathFor(file: string, output: string): string {
  const relative = path.relative(path.dirname(path.resolve(output)), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

// longest spellings first, so `september` is not read as `sep` + `tember`
const MONTH_WORD =
  /january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec/g;

/** A page title without its release date: `ADHD Management Information - May 2025` → `ADHD Management Information`. */
export function publicationOf(title: string): string {
  return title
    .replace(new RegExp(`\\b(${MONTH_WORD.source})\\b[\\s,-]*(\\d{4}|\\d{2})?`, 'gi'), ' ')
    .replace(/\b(19|20)\d{2}([/-]\d{2})?\b/g, ' ')
    .replace(/\s*[-–—:,|]\s*$/g, '')
    .replace(/\s+[-–—:,|]\s+(?=[-–—:,|]|$)/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim()
    .replace(/[\s\-–—:,|]+$/, '');
}

/**
 * The file's part of a source code: its name without dates. A name that is nothing but a date
 * (`september2023.xlsx`) would make every month's code different, so it borrows the landing
 * page's title, else the folder or URL path it sits in.
 */
export function fileCodeOf(c: Pick<Candidate, 'displayName' | 'locator' | 'page'>): string {
  const stem = c.displayName.replace(/(\.[a-z0-9]{1,5})+$/i, '').toLowerCase();
  if (stem.replace(MONTH_WORD, '').replace(/[^a-z]/g, '') !== '') return tableNameFrom(c.displayName);
  if (c.page?.title) return tableNameFrom(c.page.title);
  const parent = c.locator
    .replace(/[?#].*$/, '')
    .split(/[\\/]/)
    .filter(Boolean)
    .slice(-2, -1)[0];
  return parent ? tableNameFrom(parent) : 'data';
}

/** `<file>`, `<file>_<member>`, `<file>_<sheet>`, then `_<n>` for the n-th table on a sheet: no dates. */
export function codeFor(fileCode: string, table: Pick<TableSpec, 'member' | 'sheet'>, nth: number): string {
  const parts = [table.member ? tableNameFrom(table.member) : fileCode];
  if (table.sheet) parts.push(tableNameFrom(table.sheet) || snakeCase(table.sheet));
  if (nth > 1) parts.push(String(nth));
  let code = parts.filter(Boolean).join('_').replace(/_+/g, '_');
  if (!/^[a-z]/.test(code)) code = `t_${code}`;
  if (code.length > 59) code = code.slice(0, 50).replace(/_+$/, '') + '_' + hashTag(code);
  return MANIFEST_CODE_PATTERN.test(code) ? code : `t_${snakeCase(code).slice(0, 55)}`;
}

function uniqueCode(sources: ReadonlyMap<string, unknown>, code: string): string {
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = code.slice(0, 59 - suffix.length) + suffix;
    if (!sources.has(candidate)) return candidate;
  }
}

function hashTag(text: string): string {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0').slice(0, 8);
}

function humanName(displayName: string, table: TableSpec): string {
  const base = safeDecode(displayName).replace(/\.[a-z0-9.]+$/i, '');
  const parts = [base, table.member, table.sheet].filter((p): p is string => !!p);
  return parts.join(' / ');
}

function renderSource(s: DraftSource, history: LoadHistory | undefined) {
  const verdict = classifyLoadMode(
    s.code,
    s.files.map((f) => f.observation),
    history,
  );
  const files = [...s.files]
    .sort((a, b) => String(a.entry.period ?? '').localeCompare(String(b.entry.period ?? '')))
    .map((f) => ({ ...f.entry, mode: verdict.mode }));
  return {
    code: s.code,
    name: s.name,
    table: `tbl_${s.code}`,
    enabled: s.enabled,
    ...(s.description ? { description: s.description } : {}),
    load_mode: verdict.mode,
    load_mode_confidence: verdict.confidence,
    load_mode_pattern: verdict.pattern,
    load_mode_reason: verdict.reason,
    files,
    ...(s.columns.length ? { columns: s.columns } : {}),
  };
}

function manifestName(title: string | null, first: Candidate, sources: readonly DraftSource[]): string {
  const base = title ? tableNameFrom(title) : fileCodeOf(first);
  const period = sources[0]?.files[0]?.entry.period;
  const name = period ? `${base}_${snakeCase(String(period))}` : base;
  return name.slice(0, 80) || 'manifest';
}

function failureOf(input: string, err: unknown): CreateFailure {
  if (isDatawarpError(err)) return { input, code: err.code, message: err.oneLine() };
  return { input, code: 'INTERNAL', message: (err as Error).message ?? String(err) };
}
