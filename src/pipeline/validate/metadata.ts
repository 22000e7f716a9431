import type { ValidationConfig } from '../../storage/config.js';
import { breach, type GateResult } from './types.js';

/** Metadata completeness: the share of the table's columns that have a description. */
export function checkMetadata(config: ValidationConfig, described: number, total: number): GateResult[] {
  if (total === 0) return [];
  const pct = (described / total) * 100;
  const message = `${described}/${total} columns have descriptions (${Math.round(pct)}%)`;
  const status = pct < config.min_described_pct ? breach(config, 'descriptions') : 'pass';
  return status ? [{ validation_type: 'metadata', check_name: 'descriptions', status, message }] : [];
}
