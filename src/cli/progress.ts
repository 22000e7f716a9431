/**
 * A one-line progress display on stderr (TTY only): rows so far, rows per second, and a bar when
 * the total is known. Redrawn at most ten times a second; cleared when done.
 */

import { formatCount } from '../format.js';
export interface ProgressReporter {
  readonly update: (rows: number, expected: number | null) => void;
  readonly done: () => void;
}

const WIDTH = 24;

export function progressReporter(enabled: boolean, label = 'loading'): ProgressReporter {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(rows, expected) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const secs = Math.max((now - started) / 1000, 0.001);
      const rate = formatCount(rows / secs);
      let bar = '';
      if (expected && expected > 0) {
        const f = Math.min(rows / expected, 1);
        const full = Math.round(f * WIDTH);
        bar = ` [${'#'.repeat(full)}${'.'.repeat(WIDTH - full)}] ${Math.floor(f * 100)}%`;
      }
      process.stderr.write(`\r\x1b[2K${label}${bar} ${formatCount(rows)} rows, ${rate} rows/s`);
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[2K');
    },
  };
}
