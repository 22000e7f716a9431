/**
 * `manifest compare OLD NEW`: what changed between two releases of a publication — sources and
 * columns added or removed, ones that look renamed, and columns whose type changed. Teams run it
 * at financial-year boundaries, when April releases add and rename columns. Pure.
 */
import { snakeCase } from '../../engine/naming.js';
import { fileLocator } from './files.js';
import type { Manifest, ManifestColumn, ManifestSource } from './schema.js';

export interface ColumnRename {
  readonly from: string;
  readonly to: string;
  readonly similarity: number;
}

export interface TypeChange {
  readonly column: string;
  readonly from: string;
  readonly to: string;
}

export interface SourceDiff {
  readonly code: string;
  /** set when the source itself looks renamed: its code in OLD */
  readonly renamedFrom: string | null;
  readonly columnsAdded: readonly string[];
  readonly columnsRemoved: readonly string[];
  readonly columnsRenamed: readonly ColumnRename[];
  readonly typeChanges: readonly TypeChange[];
  readonly enabledChanged: { readonly from: boolean; readonly to: boolean } | null;
  readonly modeChanged: { readonly from: string; readonly to: string } | null;
  /** OLD or NEW has no `columns:`: only the source itself could be compared */
  readonly columnsUnknown: boolean;
}

export interface ManifestDiff {
  readonly sourcesAdded: readonly string[];
  readonly sourcesRemoved: readonly string[];
  readonly sourcesRenamed: readonly {
    readonly from: string;
    readonly to: string;
    readonly similarity: number;
  }[];
  readonly changed: readonly SourceDiff[];
  readonly unchanged: number;
}

/** Similarity above which a removed and an added thing are reported as one renamed thing. */
const RENAME_AT = 0.6;

export function compareManifests(oldM: Manifest, newM: Manifest): ManifestDiff {
  const oldBy = new Map(oldM.sources.map((s) => [s.code, s]));
  const newBy = new Map(newM.sources.map((s) => [s.code, s]));
  let removed = oldM.sources.filter((s) => !newBy.has(s.code));
  let added = newM.sources.filter((s) => !oldBy.has(s.code));

  const renames = pairUp(removed, added, sourceSimilarity);
  const renamedOld = new Set(renames.map((r) => r.from.code));
  const renamedNew = new Set(renames.map((r) => r.to.code));
  removed = removed.filter((s) => !renamedOld.has(s.code));
  added = added.filter((s) => !renamedNew.has(s.code));

  const pairs: [ManifestSource, ManifestSource, string | null][] = [
    ...newM.sources
      .filter((s) => oldBy.has(s.code))
      .map((s) => [oldBy.get(s.code)!, s, null] as [ManifestSource, ManifestSource, null]),
    ...renames.map((r) => [r.from, r.to, r.from.code] as [ManifestSource, ManifestSource, string]),
  ];
  const changed: SourceDiff[] = [];
  let unchanged = 0;
  for (const [o, n, renamedFrom] of pairs) {
    const d = compareSources(o, n, renamedFrom);
    if (isEmpty(d)) unchanged++;
    else changed.push(d);
  }
  return {
    sourcesAdded: added.map((s) => s.code),
    sourcesRemoved: removed.map((s) => s.code),
    sourcesRenamed: renames.map((r) => ({
      from: r.from.code,
      to: r.to.code,
      similarity: round(r.similarity),
    })),
    changed,
    unchanged,
  };
}

export function hasChanges(diff: ManifestDiff): boolean {
  return (
    diff.sourcesAdded.length + diff.sourcesRemoved.length + diff.sourcesRenamed.length + diff.changed.length >
    0
  );
}

/** Breaking for downstream queries: something removed, renamed, or retyped. */
export function hasBreakingChanges(diff: ManifestDiff): boolean {
  return (
    diff.sourcesRemoved.length > 0 ||
    diff.sourcesRenamed.length > 0 ||
    diff.changed.some((c) => c.columnsRemoved.length || c.columnsRenamed.length || c.typeChanges.length)
  );
}

function compareSources(o: ManifestSource, n: ManifestSource, renamedFrom: string | null): SourceDiff {
  const oldCols = o.columns ?? [];
  const newCols = n.columns ?? [];
  const columnsUnknown = oldCols.length === 0 || newCols.length === 0;
  let columnsAdded: ManifestColumn[] = [];
  let columnsRemoved: ManifestColumn[] = [];
  const typeChanges: TypeChange[] = [];
  let columnsRenamed: ColumnRename[] = [];
  if (!columnsUnknown) {
    const oldBy = new Map(oldCols.map((c) => [columnKey(c), c]));
    const newBy = new Map(newCols.map((c) => [columnKey(c), c]));
    columnsRemoved = oldCols.filter((c) => !newBy.has(columnKey(c)));
    columnsAdded = newCols.filter((c) => !oldBy.has(columnKey(c)));
    for (const c of newCols) {
      const before = oldBy.get(columnKey(c));
      if (before && normType(before.data_type) !== normType(c.data_type))
        typeChanges.push({
          column: c.original_name,
          from: normType(before.data_type),
          to: normType(c.data_type),
        });
    }
    const pairs = pairUp(columnsRemoved, columnsAdded, (a, b) => columnSimilarity(a, b, oldCols, newCols));
    columnsRenamed = pairs.map((p) => ({
      from: p.from.original_name,
      to: p.to.original_name,
      similarity: round(p.similarity),
    }));
    const from = new Set(pairs.map((p) => p.from));
    const to = new Set(pairs.map((p) => p.to));
    columnsRemoved = columnsRemoved.filter((c) => !from.has(c));
    columnsAdded = columnsAdded.filter((c) => !to.has(c));
  }
  const oldMode = o.load_mode ?? o.files[0]?.mode ?? 'replace';
  const newMode = n.load_mode ?? n.files[0]?.mode ?? 'replace';
  return {
    code: n.code,
    renamedFrom,
    columnsAdded: columnsAdded.map((c) => c.original_name),
    columnsRemoved: columnsRemoved.map((c) => c.original_name),
    columnsRenamed,
    typeChanges,
    enabledChanged: o.enabled === n.enabled ? null : { from: o.enabled, to: n.enabled },
    modeChanged: oldMode === newMode ? null : { from: oldMode, to: newMode },
    columnsUnknown,
  };
}

function isEmpty(d: SourceDiff): boolean {
  return (
    !d.renamedFrom &&
    !d.columnsAdded.length &&
    !d.columnsRemoved.length &&
    !d.columnsRenamed.length &&
    !d.typeChanges.length &&
    !d.enabledChanged &&
    !d.modeChanged
  );
}

const columnKey = (c: ManifestColumn) => snakeCase(c.original_name);

/** Type names as PostgreSQL spells them, so `varchar` vs `text` or `int` vs `integer` is no change. */
function normType(t: string | null | undefined): string {
  const v = (t ?? 'text').trim().toLowerCase();
  const aliases: Record<string, string> = {
    varchar: 'text',
    string: 'text',
    'character varying': 'text',
    int: 'integer',
    int4: 'integer',
    int8: 'bigint',
    float: 'double precision',
    float8: 'double precision',
    decimal: 'numeric',
    bool: 'boolean',
    datetime: 'timestamp',
  };
  return aliases[v] ?? v;
}

/** Greedy one-to-one pairing of removed and added things by similarity, best first. */
function pairUp<T>(removed: readonly T[], added: readonly T[], similarity: (a: T, b: T) => number) {
  const candidates: { from: T; to: T; similarity: number }[] = [];
  for (const a of removed)
    for (const b of added) {
      const s = similarity(a, b);
      if (s >= RENAME_AT) candidates.push({ from: a, to: b, similarity: s });
    }
  candidates.sort((x, y) => y.similarity - x.similarity);
  const usedA = new Set<T>();
  const usedB = new Set<T>();
  const out: typeof candidates = [];
  for (const c of candidates) {
    if (usedA.has(c.from) || usedB.has(c.to)) continue;
    usedA.add(c.from);
    usedB.add(c.to);
    out.push(c);
  }
  return out;
}

/**
 * A removed and an added source look like one renamed source when they read the same file and
 * sheet (within one release), share most columns, or have similar codes.
 */
function sourceSimilarity(a: ManifestSource, b: ManifestSource): number {
  const name = Math.max(
    textSimilarity(a.code, b.code),
    a.code.startsWith(b.code) || b.code.startsWith(a.code) ? 0.65 : 0,
  );
  const places = (s: ManifestSource) =>
    new Set(s.files.map((f) => `${fileLocator(f)}|${f.sheet ?? ''}|${f.extract ?? ''}`));
  const sameFile = jaccard(places(a), places(b)) > 0 ? 0.9 : 0;
  const where = (s: ManifestSource) => s.files.map((f) => `${f.sheet ?? ''}|${f.extract ?? ''}`).join(',');
  const sameSheet = where(a) !== '|' && where(a) === where(b) ? 0.7 : 0;
  const aCols = new Set((a.columns ?? []).map(columnKey));
  const bCols = new Set((b.columns ?? []).map(columnKey));
  const byColumns = aCols.size && bCols.size ? 0.6 * jaccard(aCols, bCols) + 0.4 * name : name;
  return Math.max(byColumns, sameFile, sameSheet);
}

/**
 * A removed and an added column look like one renamed column when their names are alike, or when
 * they sit in the same place between the same neighbours with the same type (CCG_CODE →
 * SUB_ICB_CODE in April 2022).
 */
function columnSimilarity(
  a: ManifestColumn,
  b: ManifestColumn,
  oldCols: readonly ManifestColumn[],
  newCols: readonly ManifestColumn[],
): number {
  if (a.semantic_name && a.semantic_name === b.semantic_name) return 0.95;
  const i = oldCols.indexOf(a);
  const j = newCols.indexOf(b);
  const key = (c: ManifestColumn | undefined) => (c ? columnKey(c) : '\u0000edge');
  const sameNeighbours =
    key(oldCols[i - 1]) === key(newCols[j - 1]) && key(oldCols[i + 1]) === key(newCols[j + 1]);
  const name = textSimilarity(columnKey(a), columnKey(b));
  const samePlace = i === j ? 0.3 : 0;
  const sameType = normType(a.data_type) === normType(b.data_type) ? 0.1 : 0;
  return Math.min(1, name * 0.6 + samePlace + (sameNeighbours ? 0.2 : 0) + sameType);
}

/** Token and character overlap of two snake_case names, 0..1. */
export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const tokens = jaccard(new Set(a.split('_').filter(Boolean)), new Set(b.split('_').filter(Boolean)));
  const grams = (s: string) =>
    new Set(Array.from({ length: Math.max(0, s.length - 1) }, (_, i) => s.slice(i, i + 2)));
  return Math.max(tokens, jaccard(grams(a), grams(b)));
}

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (!a.size && !b.size) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

const round = (x: number) => Math.round(x * 100) / 100;
