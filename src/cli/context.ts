import type { Command } from 'commander';
import { resolveWorkspace, type Workspace } from '../storage/workspace.js';
import { openWarehouse, type Warehouse } from '../warehouse/warehouse.js';

export interface GlobalOptions {
  workspace?: string;
}

export function workspaceOf(cmd: Command): Workspace {
  return resolveWorkspace((cmd.optsWithGlobals() as GlobalOptions).workspace);
}

/**
 * Like `withWarehouse`, but `fn` starts while the database is still opening (a load fetches and
 * detects its file meanwhile) and awaits it when it needs it; closed after, however `fn` ends.
 */
export async function whileWarehouseOpens<T>(
  cmd: Command,
  fn: (opening: Promise<Warehouse>) => Promise<T>,
): Promise<T> {
  const opening = openWarehouse(workspaceOf(cmd));
  // a failure to open is for `fn` to meet through the promise (or not, when it fails first)
  opening.catch(() => undefined);
  try {
    return await fn(opening);
  } finally {
    await opening.then(
      (wh) => wh.close(),
      () => undefined,
    );
  }
}

/** Open the workspace's database for the length of `fn`, and always close it. */
export async function withWarehouse<T>(cmd: Command, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await openWarehouse(workspaceOf(cmd));
  try {
    return await fn(wh);
  } finally {
    await wh.close();
  }
}
