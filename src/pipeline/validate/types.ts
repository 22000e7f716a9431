import type { CheckLevel, CheckName, ValidationConfig } from '../../storage/config.js';
import type { ValidationRow } from '../../warehouse/queries/validation.js';

/** One line of the validation report. `fail` rolls the load back when validation is enforced. */
export type GateResult = ValidationRow;

export const GATE_STATUSES = ['pass', 'warn', 'fail'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

/** A breached check becomes warn or fail by its configured level; `off` checks are not reported. */
export function breach(config: ValidationConfig, check: CheckName): GateStatus | null {
  const level: CheckLevel = config.levels[check];
  return level === 'off' ? null : level;
}

export function worst(results: readonly GateResult[]): GateStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'warn')) return 'warn';
  return 'pass';
}

export function passRate(results: readonly GateResult[]): number | null {
  if (!results.length) return null;
  return Math.round((results.filter((r) => r.status === 'pass').length / results.length) * 10_000) / 100;
}
