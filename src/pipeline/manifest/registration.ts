/**
 * Which sources load-batch may register: a source is registered only when the manifest (the
 * source, then its `manifest:` block) or `datawarp.yaml`'s `defaults:` say who owns it, what
 * publication and domain it belongs to, and why it is loaded. Nothing is loaded that nobody
 * asked for.
 */
import type pg from 'pg';
import { z } from 'zod';
import { DatawarpError, isDatawarpError } from '../../errors.js';
import { registerSource, type SourceRegistration } from '../../lifecycle/registry.js';
import { CONFIG_FILE, type Config } from '../../storage/config.js';
import { getSource } from '../../warehouse/queries/sources.js';
import type { Manifest, ManifestSource } from './schema.js';

/** `defaults:` in datawarp.yaml. */
const Defaults = z
  .object({
    owner: z.string().optional(),
    domain: z.string().optional(),
    publication: z.string().optional(),
    purpose: z.string().optional(),
    retention_days: z.number().int().positive().optional(),
  })
  .strict();

export type RegistrationPlan =
  | { readonly kind: 'register'; readonly registration: SourceRegistration }
  | { readonly kind: 'refuse'; readonly missing: readonly string[] };

export function configDefaults(config: Config): z.output<typeof Defaults> {
  const parsed = Defaults.safeParse((config as Record<string, unknown>).defaults ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new DatawarpError(
    'CONFIG_INVALID',
    `${['defaults', ...issue.path.map(String)].join('.')}: ${issue.message}`,
    {
      file: CONFIG_FILE,
      hint: 'defaults: takes owner, domain, publication, purpose (text) and retention_days (a number); see docs/manifests.md',
    },
  );
}

export function planRegistration(
  manifest: Manifest,
  source: ManifestSource,
  config: Config,
): RegistrationPlan {
  const defaults = configDefaults(config);
  const m = manifest.manifest;
  const pick = (key: 'owner' | 'domain' | 'publication' | 'purpose') =>
    nonEmpty(source[key]) ?? nonEmpty(m[key]) ?? nonEmpty(defaults[key]);
  const publication = pick('publication') ?? nonEmpty(pageTitleOf(m.publication_context));
  const owner = pick('owner');
  const domain = pick('domain');
  const purpose = pick('purpose');
  const missing = [
    ...(owner ? [] : ['owner']),
    ...(domain ? [] : ['domain']),
    ...(purpose ? [] : ['purpose']),
    ...(publication ? [] : ['publication']),
  ];
  if (missing.length) return { kind: 'refuse', missing };
  return {
    kind: 'register',
    registration: {
      sourceCode: source.code,
      publication: publication!,
      domain: domain!,
      owner: owner!,
      purpose: purpose!,
      retentionDays: source.retention_days ?? m.retention_days ?? defaults.retention_days,
      loadMode: source.load_mode ?? source.files[0]?.mode ?? 'replace',
    },
  };
}

function nonEmpty(v: string | null | undefined): string | undefined {
  return v && v.trim() ? v.trim() : undefined;
}

function pageTitleOf(context: unknown): string | undefined {
  const title = (context as { page_title?: unknown } | null | undefined)?.page_title;
  return typeof title === 'string' ? title : undefined;
}

export type Readiness =
  { kind: 'known' } | { kind: 'registered' } | { kind: 'refused'; reason: string; hint: string };

/** Register the source if it is unknown and fully described; say why not otherwise. */
export async function ensureRegistered(
  pool: pg.Pool,
  manifest: Manifest,
  source: ManifestSource,
  config: Config,
  user: string,
): Promise<Readiness> {
  if (await getSource(pool, source.code)) return { kind: 'known' };
  const plan = planRegistration(manifest, source, config);
  if (plan.kind === 'refuse')
    return {
      kind: 'refused',
      reason: `source ${source.code} is not registered and the manifest does not say its ${plan.missing.join(', ')}`,
      hint: `add ${plan.missing.join(', ')} to the source or the manifest: block (or defaults: in datawarp.yaml), or run \`datawarp register ${source.code} ...\``,
    };
  try {
    await registerSource(pool, plan.registration, user);
    return { kind: 'registered' };
  } catch (err) {
    if (isDatawarpError(err) && err.code === 'SOURCE_EXISTS') return { kind: 'known' };
    if (isDatawarpError(err))
      return {
        kind: 'refused',
        reason: `source ${source.code} cannot be registered: ${err.message}`,
        hint: err.hint ?? '',
      };
    throw err;
  }
}
