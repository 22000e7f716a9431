import type { ValidationConfig } from '../../storage/config.js';
import { breach, type GateResult } from './types.js';

export interface DriftInput {
  readonly added: readonly string[];
  readonly pending: readonly string[];
  readonly widened: readonly { column: string; from: string; to: string }[];
  readonly columns: number;
}

/** Schema drift: how many columns a load brought, and any type change. */
export function checkSchemaDrift(config: ValidationConfig, d: DriftInput): GateResult[] {
  const out: GateResult[] = [];
  const newColumns = d.added.length + d.pending.length;
  if (newColumns > config.max_columns_added) {
    const status = breach(config, 'columns_added');
    if (status)
      out.push({
        validation_type: 'schema',
        check_name: 'columns_added',
        status,
        message: `${newColumns} new columns in one load (more than ${config.max_columns_added})`,
        details: { added: d.added, pending: d.pending },
      });
  } else {
    out.push({
      validation_type: 'schema',
      check_name: 'columns_added',
      status: 'pass',
      message: newColumns
        ? `${d.columns} columns, ${newColumns} new`
        : `${d.columns} columns (no new columns)`,
      details: newColumns ? { added: d.added, pending: d.pending } : undefined,
    });
  }
  if (d.widened.length) {
    const status = breach(config, 'type_change');
    if (status)
      out.push({
        validation_type: 'schema',
        check_name: 'type_change',
        status,
        message: `type changed: ${d.widened.map((w) => `${w.column} ${w.from} → ${w.to}`).join(', ')}`,
        details: d.widened,
      });
  } else {
    out.push({
      validation_type: 'schema',
      check_name: 'type_change',
      status: 'pass',
      message: 'no type changes',
    });
  }
  return out;
}
