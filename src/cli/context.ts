import type { Command } from 'commander';
import { resolveWorkspace, type Workspace } from '../storage/workspace.js';
import { openWarehouse, type Warehouse } from '../warehouse/warehouse.js';

export interface GlobalOptions {
  workspace?: string;
}

export function workspaceOf(cmd: Command): Workspace {
  return resolveWorkspace((cmd.optsWithGlobals() as GlobalOptions).workspace);
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
