/**
 * Checks a manifest needs beyond its shape: unique codes and tables, files that can be told
 * apart, plausible periods, and unknown keys that are probably typos.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LineFinder, ManifestProblem } from './parse.js';
import { KNOWN_FILE_KEYS, KNOWN_SOURCE_KEYS, type Manifest } from './schema.js';
import { fileLocator, isUrl } from './files.js';

/** Period codes datawarp understands: 2025, 2025-05, 2025-05-31, 2025-Q2, FY2025-26, FY2025-26-Q2. */
export const PERIOD_PATTERN = /^(\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?|\d{4}-Q[1-4]|FY\d{4}-\d{2}(-Q[1-4])?)$/;

export function semanticProblems(
  manifest: Manifest,
  raw: Record<string, unknown>,
  finder: LineFinder,
  file: string,
): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const add = (level: ManifestProblem['level'], keyPath: (string | number)[], message: string) =>
    problems.push({ level, line: finder.lineOf(keyPath), path: keyPath.join('.'), message });
  const rawSources = (Array.isArray(raw.sources) ? raw.sources : []) as Record<string, unknown>[];
  const codes = new Map<string, number>();
  const tables = new Map<string, number>();

  manifest.sources.forEach((source, i) => {
    const at = ['sources', i];
    const earlier = codes.get(source.code);
    if (earlier !== undefined)
      add('error', [...at, 'code'], `code ${source.code} is already used by sources.${earlier}`);
    else codes.set(source.code, i);

    const expected = `tbl_${source.code}`;
    if (source.table && source.table !== expected)
      add(
        'warning',
        [...at, 'table'],
        `datawarp loads into staging.${expected}; table ${source.table} is ignored`,
      );
    const table = expected;
    const tableOwner = tables.get(table);
    if (tableOwner !== undefined && tableOwner !== i)
      add('error', [...at, 'table'], `table ${table} is also the table of sources.${tableOwner}`);
    tables.set(table, i);

    for (const key of Object.keys(rawSources[i] ?? {}))
      if (!KNOWN_SOURCE_KEYS.has(key)) add('warning', [...at, key], unknownKey(key, KNOWN_SOURCE_KEYS));

    const seen = new Map<string, number>();
    const modes = new Set<string>();
    source.files.forEach((f, j) => {
      const fat = [...at, 'files', j];
      const rawFile = (rawSources[i]?.files as Record<string, unknown>[] | undefined)?.[j] ?? {};
      for (const key of Object.keys(rawFile))
        if (!KNOWN_FILE_KEYS.has(key)) add('warning', [...fat, key], unknownKey(key, KNOWN_FILE_KEYS));
      if (f.url !== undefined && f.path !== undefined)
        add('error', [...fat, 'path'], 'give either `url` or `path`, not both');
      const locator = fileLocator(f);
      if (!isUrl(locator)) {
        const absolute = path.resolve(path.dirname(file), locator);
        if (!fs.existsSync(absolute))
          add(
            'warning',
            [...fat, f.path !== undefined ? 'path' : 'url'],
            `local file not found: ${absolute}`,
          );
      } else if (!/^https?:\/\//i.test(locator)) {
        add('error', [...fat, 'url'], `only http(s) URLs and local paths are supported: ${locator}`);
      }
      if (f.period === undefined || f.period === null)
        add('warning', fat, 'no period: rows load with an empty _period');
      else if (!PERIOD_PATTERN.test(f.period))
        add(
          'warning',
          [...fat, 'period'],
          `period ${f.period} is not a period code datawarp knows (e.g. 2025-05, 2025-Q2, FY2025-26)`,
        );
      modes.add(f.mode ?? source.load_mode ?? 'replace');
      const key = [
        locator,
        f.sheet ?? '',
        f.extract ?? '',
        f.table_index ?? '',
        f.table_id ?? '',
        f.period ?? '',
      ].join('\u0000');
      const first = seen.get(key);
      if (first !== undefined) add('error', fat, `same file, sheet and period as files.${first}`);
      else seen.set(key, j);
    });
    if (modes.size > 1)
      add('warning', [...at, 'files'], 'files mix append and replace modes: check that this is intended');

    const names = new Map<string, number>();
    (source.columns ?? []).forEach((c, k) => {
      if (names.has(c.original_name))
        add(
          'warning',
          [...at, 'columns', k, 'original_name'],
          `column ${c.original_name} is described twice`,
        );
      names.set(c.original_name, k);
    });
  });
  if (manifest.sources.length === 0) add('warning', ['sources'], 'no sources: nothing to load');
  else if (!manifest.sources.some((s) => s.enabled))
    add('warning', ['sources'], 'every source is disabled: nothing to load');
  return problems;
}

function unknownKey(key: string, known: ReadonlySet<string>): string {
  const guess = closest(key, [...known]);
  return `unknown key ${key}${guess ? ` (did you mean ${guess}?)` : ''}: it is kept but not used`;
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
