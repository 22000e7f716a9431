import type { Command } from 'commander';
import { dbCommand } from './db.js';
import { demoCommand } from './demo.js';
import { loadCommand } from './load.js';
import { historyCommand, registerCommand, sourcesCommand } from './registry.js';
import { schemaChangesCommand } from './schema-changes.js';
import { watchCommand } from './watch.js';

/** Every top-level command, in the order `--help` lists them. */
export const COMMANDS: readonly (() => Command)[] = [
  demoCommand,
  registerCommand,
  sourcesCommand,
  loadCommand,
  schemaChangesCommand,
  historyCommand,
  watchCommand,
  dbCommand,
];
