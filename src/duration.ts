import { DatawarpError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `15s`, `200ms`, `2m`, `1h` (a bare number means seconds) in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[(m[2]?.toLowerCase() ?? 's') as keyof typeof UNIT_MS] : NaN;
  if (!(ms >= 1)) {
    throw new DatawarpError('USAGE', `${JSON.stringify(text)} is not a duration`, {
      hint: 'write a duration like 15s, 200ms, 2m or 1h',
    });
  }
  return Math.round(ms);
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
