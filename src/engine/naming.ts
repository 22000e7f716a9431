/**
 * The one naming point: every PostgreSQL column name datawarp creates is made here, once, when a
 * TableSpec is built. DDL, COPY and column metadata all read that list, so they cannot disagree.
 *
 * Rules: lower_snake ASCII; a name never starts with a digit; at most 63 bytes (PostgreSQL's
 * NAMEDATALEN - 1), shortened with a stable hash of the full name so two long headers that share
 * a prefix stay apart; duplicates are suffixed `_2`, `_3` (never merged); lineage names are
 * reserved for datawarp's own columns.
 */
import { createHash } from 'node:crypto';

export const MAX_IDENTIFIER_BYTES = 63;

/** Columns datawarp adds to every loaded table. A header that normalises to one of these is suffixed. */
export const LINEAGE_COLUMNS = [
  '_load_id',
  '_loaded_at',
  '_period',
  '_period_start',
  '_period_end',
  '_source_file',
] as const;

const RESERVED = new Set<string>(LINEAGE_COLUMNS);

/** `Total (£000s)` → `total_000s`; `''` when nothing usable is left. */
export function snakeCase(text: string): string {
  return (
    text
      .normalize('NFKD')
      // diacritics become their base letter (é → e)
      .replace(/[\u0300-\u036f]/g, '')
      // camelCase and PascalCase boundaries: `patientCount` → `patient_Count`
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
      .replace(/%/g, '_pct_')
      .replace(/&/g, '_and_')
      .replace(/#/g, '_no_')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
  );
}

/** A stable 8-hex-digit tag of a text, used to keep truncated names apart. */
function hashTag(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}

/** Cut a name to `maxBytes` (ASCII after snakeCase, but be safe), adding a hash of the full name. */
export function shorten(name: string, maxBytes = MAX_IDENTIFIER_BYTES): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const tag = hashTag(name);
  let head = name.slice(0, maxBytes - tag.length - 1);
  while (Buffer.byteLength(head) > maxBytes - tag.length - 1) head = head.slice(0, -1);
  return `${head.replace(/_+$/, '')}_${tag}`;
}

/** One normalised name for one header, without uniqueness; `column_<position>` when empty. */
export function columnName(header: string, position: number): string {
  // note references (`Deaths [note 1]`, ONS style) belong to the header text, not the name
  let name = snakeCase(header.replace(/\[\s*notes?\s*[\d, ]+\]/gi, ' '));
  if (name === '') return `column_${position}`;
  if (/^[0-9]/.test(name)) name = `_${name}`;
  return shorten(name);
}

/**
 * Names for a table's columns, in order: normalised, unique, not a lineage name, <= 63 bytes.
 * `headers[i]` is the original header text ('' for none); positions are 1-based in names.
 */
export function columnNames(headers: readonly string[]): string[] {
  const taken = new Set<string>(RESERVED);
  const base = headers.map((h, i) => columnName(h, i + 1));
  // First pass claims names that are unique as they are, so `a, a, a_2` keeps the user's `a_2`.
  const counts = new Map<string, number>();
  for (const b of base) counts.set(b, (counts.get(b) ?? 0) + 1);
  const out: (string | undefined)[] = base.map((b) => {
    if (counts.get(b) === 1 && !taken.has(b)) {
      taken.add(b);
      return b;
    }
    return undefined;
  });
  return base.map((b, i) => {
    const claimed = out[i];
    if (claimed !== undefined) return claimed;
    // The first of several equal headers keeps the plain name when it is free.
    if (!taken.has(b)) {
      taken.add(b);
      return b;
    }
    for (let n = 2; ; n++) {
      const suffix = `_${n}`;
      const candidate = shorten(b, MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  });
}

/** Positional names for headerless data: `column_1..n`. */
export function positionalNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `column_${i + 1}`);
}
