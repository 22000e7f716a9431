import path from 'node:path';
import fs from 'node:fs';

/** Where datawarp keeps its state: the folder a user runs it in, unless told otherwise. */
export interface Workspace {
  readonly root: string;
  /** `<root>/.datawarp`: embedded database, lock files, passwords */
  readonly stateDir: string;
}

/** `--workspace`, else `DATAWARP_HOME`, else the current directory. */
export function resolveWorkspace(explicit?: string): Workspace {
  const root = path.resolve(explicit ?? process.env.DATAWARP_HOME ?? process.cwd());
  return { root, stateDir: path.join(root, '.datawarp') };
}

export function ensureStateDir(ws: Workspace): void {
  fs.mkdirSync(ws.stateDir, { recursive: true, mode: 0o755 });
}
