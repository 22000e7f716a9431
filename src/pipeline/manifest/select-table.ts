/**
 * A manifest file entry with `extract:` names a ZIP member (and maybe a sheet in it); `loadFile`
 * picks tables by id, so find the id of the member's table here.
 */
import { detectFile } from '../../engine/index.js';
import { DatawarpError } from '../../errors.js';
import { displayNameOf } from './files.js';
import type { ManifestFile } from './schema.js';

export async function chooseManifestTable(
  local: string,
  reference: string,
  entry: ManifestFile,
): Promise<string> {
  const spec = await detectFile(local, { sheet: entry.sheet, displayName: displayNameOf(reference) });
  const sameName = (a: string | null, b: string) =>
    a !== null && a.replace(/\\/g, '/').toLowerCase() === b.toLowerCase();
  const inMember = spec.tables.filter(
    (t) => sameName(t.member, entry.extract!) || sameName(t.member?.split('/').pop() ?? null, entry.extract!),
  );
  const candidates = inMember.filter((t) => !entry.sheet || t.sheet === entry.sheet);
  const data = candidates.filter((t) => t.kind === 'data');
  if (data.length === 1) return data[0]!.id;
  if (!candidates.length)
    throw new DatawarpError(
      'NO_TABLE',
      `no member ${entry.extract}${entry.sheet ? ` with sheet ${entry.sheet}` : ''} in this file`,
      {
        file: reference,
        hint: `members with tables: ${[...new Set(spec.tables.map((t) => t.member).filter(Boolean))].join(', ') || 'none'}`,
      },
    );
  throw new DatawarpError(
    'USAGE',
    `member ${entry.extract} holds ${data.length || candidates.length} tables; the manifest must say which`,
    {
      file: reference,
      hint: `add table_id: with one of ${candidates.map((t) => t.id).join(', ')}`,
    },
  );
}
