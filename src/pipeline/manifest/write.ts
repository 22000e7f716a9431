/**
 * Writing manifests. A manifest is a file people edit, so datawarp changes only the keys it owns
 * (`state`, `last_loaded`, the load-mode verdict) in the YAML document, keeping comments, order
 * and quoting, and replaces the file atomically.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { DatawarpError } from '../../errors.js';
import type { FileMode, ManifestState } from './schema.js';

export interface SourceUpdate {
  readonly last_loaded?: string;
  readonly load_mode?: FileMode;
  readonly load_mode_confidence?: number;
  readonly load_mode_pattern?: string;
  readonly load_mode_reason?: string;
}

export interface ManifestUpdate {
  readonly state?: ManifestState;
  readonly last_loaded?: string;
  /** by source code */
  readonly sources?: Readonly<Record<string, SourceUpdate>>;
}

const STATE_ORDER: readonly ManifestState[] = [
  'draft',
  'enriched',
  'loaded',
  'exported',
  'archived',
  'deprecated',
];

/** `loaded` after `enriched`, but never back from `exported` to `loaded`. */
export function advanceState(current: ManifestState, next: ManifestState): ManifestState {
  return STATE_ORDER.indexOf(next) > STATE_ORDER.indexOf(current) ? next : current;
}

/** Apply `update` to the manifest file in place (re-read now, so concurrent edits are kept). */
export function updateManifestFile(file: string, update: ManifestUpdate): void {
  const text = fs.readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new DatawarpError('MANIFEST_INVALID', 'the manifest changed on disk and is no longer valid YAML', {
      file,
      hint: 'fix it and run again; nothing was written',
    });
  if (update.state) doc.setIn(['manifest', 'state'], update.state);
  if (update.last_loaded) doc.setIn(['manifest', 'last_loaded'], update.last_loaded);
  const sources = (doc.toJS() as { sources?: { code?: string }[] }).sources ?? [];
  for (const [code, changes] of Object.entries(update.sources ?? {})) {
    const index = sources.findIndex((s) => s?.code === code);
    if (index < 0) continue;
    for (const [key, value] of Object.entries(changes))
      if (value !== undefined) doc.setIn(['sources', index, key], value);
  }
  writeAtomically(file, doc.toString({ lineWidth: 0 }));
}

/** Serialise a new manifest (manifest create). */
export function manifestToYaml(value: unknown, header?: string): string {
  const body = stringify(value, { lineWidth: 0 });
  return header ? `${header.replace(/^/gm, '# ')}\n${body}` : body;
}

export function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
