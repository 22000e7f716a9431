/**
 * A file is ready when it has looked the same — size and mtime — on N checks in a row, each at
 * least one interval apart. The state is plain data stored in the tracking table, so a restarted
 * watcher continues the count, and two watchers checking the same file write the same values
 * instead of counting twice as fast.
 */

export interface StabilityState {
  readonly size: number;
  readonly mtimeMs: number;
  /** consecutive checks that found the file unchanged */
  readonly checks: number;
  /** when the count last moved (ms since the epoch) */
  readonly checkedAtMs: number;
}

export interface Observation {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The state after looking at the file at `nowMs`. A change resets the count; an unchanged file
 * counts one more check only when a full interval has passed since the last counted one (a little
 * slack allows for timer jitter).
 */
export function observe(
  prev: StabilityState | null,
  seen: Observation,
  nowMs: number,
  intervalMs: number,
): StabilityState {
  if (!prev || prev.size !== seen.size || prev.mtimeMs !== seen.mtimeMs) {
    return { size: seen.size, mtimeMs: seen.mtimeMs, checks: 0, checkedAtMs: nowMs };
  }
  if (nowMs - prev.checkedAtMs < intervalMs * 0.8) return prev;
  return { ...prev, checks: prev.checks + 1, checkedAtMs: nowMs };
}

export function isStable(state: StabilityState, requiredChecks: number): boolean {
  return state.checks >= requiredChecks;
}
