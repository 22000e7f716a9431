import type { Command } from 'commander';
import { dbCommand } from './db.js';
import { demoCommand } from './demo.js';
import { detectCommand } from './detect.js';
import { extractCommand } from './extract.js';
import { loadCommand } from './load.js';
import { loadBatchCommand } from './load-batch.js';
import { manifestCommand } from './manifest.js';
import { historyCommand, registerCommand, sourcesCommand } from './registry.js';
import { schemaChangesCommand } from './schema-changes.js';
import { watchCommand } from './watch.js';

/** Every top-level command, in the order `--help` lists them. */
export const COMMANDS: readonly (() => Command)[] = [
  demoCommand,
  detectCommand,
  extractCommand,
  registerCommand,
  sourcesCommand,
  loadCommand,
  manifestCommand,
  loadBatchCommand,
  schemaChangesCommand,
  historyCommand,
  watchCommand,
  dbCommand,
];
