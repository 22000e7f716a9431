/**
 * The manifest: one YAML file that describes a publication once, so every file of every period
 * loads from it. The shape is the original DataWarp's (see the corpus manifests): a `manifest:`
 * block and a `sources:` list, each source with its `files:` and optional `columns:` metadata.
 * datawarp adds the load-mode classifier's verdict per source and a lifecycle `state`.
 *
 * Keys datawarp does not know (`preview`, `publication_context`, …) are kept as they are;
 * `manifest validate` warns about unknown keys on sources and files, where a typo would matter.
 */
import { z } from 'zod';

export const MANIFEST_STATES = ['draft', 'enriched', 'loaded', 'exported', 'archived', 'deprecated'] as const;
export type ManifestState = (typeof MANIFEST_STATES)[number];

/**
 * append: add rows; replace: a reload of a period replaces that period's rows (from the same file);
 * fullload: every load replaces the whole table (a release that restates all its history).
 */
export const FILE_MODES = ['append', 'replace', 'fullload'] as const;
export type FileMode = (typeof FILE_MODES)[number];

/** What the load-mode classifier saw in a source's files (docs/manifests.md explains each). */
export const LOAD_PATTERNS = [
  'incremental',
  'time_series_overlapping',
  'time_series_wide',
  'snapshot',
  'reference',
  'unknown',
] as const;
export type LoadPattern = (typeof LOAD_PATTERNS)[number];

/** Source codes become `staging.tbl_<code>`: the registry's rule (lifecycle/registry.ts). */
export const MANIFEST_CODE_PATTERN = /^[a-z][a-z0-9_]{0,58}$/;

// YAML reads `period: 2025` as a number and an ISO timestamp as a string; both are text to us.
const text = z.union([z.string(), z.number()]).transform((v) => String(v));
const timestamp = z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString() : v));

export const ManifestColumn = z
  .object({
    original_name: text,
    semantic_name: z.string().optional(),
    description: z.string().nullish(),
    data_type: z.string().nullish(),
    is_dimension: z.boolean().nullish(),
    is_measure: z.boolean().nullish(),
    query_keywords: z.array(text).nullish(),
  })
  .passthrough();
export type ManifestColumn = z.output<typeof ManifestColumn>;

export const ManifestFile = z
  .object({
    /** an http(s) URL, or a local path (relative to the manifest's folder) */
    url: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    period: text.nullish(),
    /** append, replace or fullload; unset means the source's load_mode, else replace */
    mode: z.enum(FILE_MODES).optional(),
    /** a workbook sheet, by name */
    sheet: text.optional(),
    /** a member of a ZIP file */
    extract: z.string().min(1).optional(),
    /** one of several tables on a sheet (or in a member): its 1-based position there */
    table_index: z.number().int().positive().optional(),
    /** or the engine's table id, as `datawarp detect` prints it with the same sheet */
    table_id: z.string().min(1).optional(),
    preview: z.string().optional(),
  })
  .passthrough()
  .refine((f) => f.url !== undefined || f.path !== undefined, {
    message: 'a file needs `url` (a URL or a path) or `path`',
  });
export type ManifestFile = z.output<typeof ManifestFile>;

export const ManifestSource = z
  .object({
    code: z.string().regex(MANIFEST_CODE_PATTERN, {
      message:
        'must start with a letter and hold only lowercase letters, digits and underscores (at most 59)',
    }),
    name: z.string().optional(),
    table: z.string().optional(),
    enabled: z.boolean().default(true),
    description: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    /** registration: a source the manifest fully describes is registered by load-batch */
    publication: z.string().optional(),
    domain: z.string().optional(),
    owner: z.string().optional(),
    purpose: z.string().optional(),
    retention_days: z.number().int().positive().optional(),
    load_mode: z.enum(FILE_MODES).optional(),
    load_mode_confidence: z.number().min(0).max(1).optional(),
    load_mode_pattern: z.enum(LOAD_PATTERNS).optional(),
    load_mode_reason: z.string().optional(),
    last_loaded: timestamp.optional(),
    files: z.array(ManifestFile).min(1, { message: 'a source needs at least one file' }),
    columns: z.array(ManifestColumn).nullish(),
  })
  .passthrough();
export type ManifestSource = z.output<typeof ManifestSource>;

export const ManifestHeader = z
  .object({
    name: text,
    description: z.string().nullish(),
    created_at: timestamp.optional(),
    source_url: z.string().nullish(),
    state: z.enum(MANIFEST_STATES).default('draft'),
    last_loaded: timestamp.optional(),
    /** registration defaults for every source (a source's own keys win) */
    publication: z.string().optional(),
    domain: z.string().optional(),
    owner: z.string().optional(),
    purpose: z.string().optional(),
    retention_days: z.number().int().positive().optional(),
    publication_context: z.unknown().optional(),
  })
  .passthrough();
export type ManifestHeader = z.output<typeof ManifestHeader>;

export const Manifest = z.object({
  manifest: ManifestHeader,
  sources: z.array(ManifestSource).default([]),
});
export type Manifest = z.output<typeof Manifest>;

/** Keys a source or file may carry; anything else earns a "did you mean" warning. */
export const KNOWN_SOURCE_KEYS: ReadonlySet<string> = new Set(Object.keys(ManifestSource.shape));
export const KNOWN_FILE_KEYS: ReadonlySet<string> = new Set([
  'url',
  'path',
  'period',
  'mode',
  'sheet',
  'extract',
  'table_index',
  'table_id',
  'preview',
]);
