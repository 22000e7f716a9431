import fs from 'node:fs';
import path from 'node:path';
import { DatawarpError } from '../../errors.js';
import type { Workspace } from '../../storage/workspace.js';

/**
 * The drop-folder tree. Where a file is dropped decides what happens to it:
 *
 *   <root>/{reference_data_table,none_reference_data_table}/{fullload,append}/<file>
 *
 * with `processed/` and `error/` beside the files of each leaf.
 */

export const DATA_KINDS = ['reference_data_table', 'none_reference_data_table'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export const LOAD_TYPES = ['fullload', 'append'] as const;
export type LoadType = (typeof LOAD_TYPES)[number];

export const OUTCOME_FOLDERS = ['processed', 'error'] as const;

/** One leaf of the tree: the folder files are dropped into and what they mean. */
export interface DropFolder {
  readonly dir: string;
  readonly reference: boolean;
  readonly loadType: LoadType;
}

export function defaultDropRoot(ws: Workspace): string {
  return path.join(ws.root, 'dropoff');
}

/** The schema a leaf's tables land in: reference data in `ref`, the rest in `staging`. */
export function targetSchema(reference: boolean): 'ref' | 'staging' {
  return reference ? 'ref' : 'staging';
}

export function dropFolders(root: string): DropFolder[] {
  return DATA_KINDS.flatMap((kind) =>
    LOAD_TYPES.map((loadType) => ({
      dir: path.join(root, kind, loadType),
      reference: kind === 'reference_data_table',
      loadType,
    })),
  );
}

/** Create whatever part of the tree is missing; existing folders and files are left alone. */
export function ensureDropTree(root: string): DropFolder[] {
  const folders = dropFolders(root);
  try {
    for (const f of folders) {
      for (const outcome of OUTCOME_FOLDERS) fs.mkdirSync(path.join(f.dir, outcome), { recursive: true });
    }
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new DatawarpError(
      'USAGE',
      `cannot create the drop folder tree: ${code ?? (cause as Error).message}`,
      {
        file: root,
        hint:
          code === 'EACCES' || code === 'EPERM'
            ? 'run as a user who may write there, or give another folder: datawarp watch DIR'
            : 'give a folder datawarp can create: datawarp watch DIR',
        cause,
      },
    );
  }
  return folders;
}
