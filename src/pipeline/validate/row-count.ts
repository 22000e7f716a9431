import { formatCount } from '../../format.js';
import type { ValidationConfig } from '../../storage/config.js';
import { breach, type GateResult } from './types.js';

/** Row count sanity: empty, too few, too many, or a big swing against the previous load. */
export function checkRowCount(config: ValidationConfig, rows: number, previous: number | null): GateResult[] {
  const out: GateResult[] = [];
  const add = (
    check_name: string,
    status: GateResult['status'] | null,
    message: string,
    details?: unknown,
  ) => {
    if (status) out.push({ validation_type: 'row_count', check_name, status, message, details });
  };
  if (rows === 0) {
    add('empty', breach(config, 'empty'), 'no rows loaded (likely an extraction problem)');
  } else if (rows < config.min_rows) {
    add(
      'min_rows',
      breach(config, 'min_rows'),
      `only ${formatCount(rows)} rows (fewer than ${formatCount(config.min_rows)})`,
    );
  } else if (rows > config.max_rows) {
    add(
      'max_rows',
      breach(config, 'max_rows'),
      `${formatCount(rows)} rows (more than ${formatCount(config.max_rows)})`,
    );
  } else {
    add('row_count', 'pass', `${formatCount(rows)} rows`);
  }
  if (previous !== null && previous > 0) {
    const pct = ((rows - previous) / previous) * 100;
    const text = `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}% against the previous load (${formatCount(previous)} rows)`;
    const status = Math.abs(pct) >= config.max_change_pct ? breach(config, 'row_change') : 'pass';
    add('row_change', status, text, { previous, rows, pct });
  }
  return out;
}
