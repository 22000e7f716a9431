/**
 * A manifest file entry may name a ZIP member (`extract:`) and a position on a sheet or in a
 * member (`table_index:`); `loadFile` picks tables by engine id, so find that id here. Detection
 * runs with the same sheet option as `loadFile`'s, so the ids agree.
 */
import { detectFile, type TableSpec } from '../../engine/index.js';
import { DatawarpError } from '../../errors.js';
import { displayNameOf } from './files.js';
import type { ManifestFile } from './schema.js';

export async function chooseManifestTable(
  local: string,
  reference: string,
  entry: ManifestFile,
): Promise<string> {
  const spec = await detectFile(local, { sheet: entry.sheet, displayName: displayNameOf(reference) });
  const place = describePlace(entry);
  let candidates: readonly TableSpec[] = spec.tables;
  if (entry.extract) {
    const wanted = entry.extract.replace(/\\/g, '/').toLowerCase();
    candidates = candidates.filter((t) => {
      const member = t.member?.replace(/\\/g, '/').toLowerCase() ?? null;
      return member === wanted || member?.split('/').pop() === wanted;
    });
  }
  if (entry.sheet)
    candidates = candidates.filter((t) => t.sheet?.toLowerCase() === entry.sheet!.toLowerCase());
  if (!candidates.length)
    throw new DatawarpError('NO_TABLE', `no ${place} in this file`, {
      file: reference,
      hint: `tables found: ${spec.tables.map((t) => [t.member, t.sheet, t.id].filter(Boolean).join(' / ')).join(', ') || 'none'}`,
    });
  if (entry.table_index !== undefined) {
    const table = candidates[entry.table_index - 1];
    if (table) return table.id;
    throw new DatawarpError(
      'NO_TABLE',
      `${place} holds ${candidates.length} tables, not ${entry.table_index}`,
      {
        file: reference,
        hint: 'the layout changed: check the file with `datawarp detect` and fix table_index in the manifest',
      },
    );
  }
  const data = candidates.filter((t) => t.kind === 'data');
  if (data.length === 1) return data[0]!.id;
  throw new DatawarpError(
    'USAGE',
    `${place} holds ${candidates.length} tables; the manifest must say which`,
    {
      file: reference,
      hint: `add table_index: 1 to ${candidates.length} to the file entry`,
    },
  );
}

function describePlace(entry: ManifestFile): string {
  const parts = [entry.extract && `member ${entry.extract}`, entry.sheet && `sheet ${entry.sheet}`].filter(
    Boolean,
  );
  return parts.length ? parts.join(', ') : 'table';
}
