import type pg from 'pg';
import { formatCount } from '../../format.js';
import type { ValidationConfig } from '../../storage/config.js';
import { countDuplicates, profileLoad, type ColumnProfile } from '../../warehouse/queries/quality.js';
import { breach, type GateResult } from './types.js';

export interface QualityInput {
  readonly schema: string;
  readonly table: string;
  readonly loadId: string;
  readonly rows: number;
  readonly columns: readonly { name: string; type: string }[];
  /** key columns from datawarp.yaml (sources.<code>.key) */
  readonly key: readonly string[] | undefined;
  /** today, ISO; a parameter so tests can pin it */
  readonly today: string;
  /** the profile when the load already scanned its rows (the raw path does) */
  readonly profile?: readonly ColumnProfile[];
  /** repeated rows when the load already counted them (the raw path counts repeated lines) */
  readonly duplicates?: { readonly extra: number; readonly complete: boolean };
}

/** Data quality over the rows this load wrote: all-null columns, duplicates, implausible dates. */
export async function checkQuality(
  db: pg.ClientBase,
  config: ValidationConfig,
  q: QualityInput,
): Promise<GateResult[]> {
  const out: GateResult[] = [];
  const push = (
    check_name: string,
    status: GateResult['status'] | null,
    message: string,
    details?: unknown,
  ) => {
    if (status) out.push({ validation_type: 'quality', check_name, status, message, details });
  };
  if (q.rows === 0) return out;
  const profile = q.profile ?? (await profileLoad(db, q.schema, q.table, q.loadId, q.columns));

  const allNull = profile.filter((p) => p.nonNull === 0).map((p) => p.name);
  if (allNull.length)
    push('all_null', breach(config, 'all_null'), `all-null columns: ${list(allNull)}`, { columns: allNull });
  else push('all_null', 'pass', 'no all-null columns');

  if (config.levels.duplicate_rows !== 'off') {
    if (q.duplicates) {
      const d = q.duplicates;
      if (!d.complete)
        push(
          'duplicate_rows',
          'warn',
          `duplicate rows not checked past validation.duplicate_check_max_rows (${formatCount(config.duplicate_check_max_rows)})`,
        );
      else if (d.extra)
        push('duplicate_rows', breach(config, 'duplicate_rows'), `${d.extra} duplicate rows`, d);
      else push('duplicate_rows', 'pass', '0 duplicate rows');
    } else if (q.rows > config.duplicate_check_max_rows) {
      push(
        'duplicate_rows',
        'warn',
        `duplicate rows not checked: ${formatCount(q.rows)} rows is over validation.duplicate_check_max_rows`,
      );
    } else {
      const d = await countDuplicates(
        db,
        q.schema,
        q.table,
        q.loadId,
        q.columns.map((c) => c.name),
      );
      if (d.extra) push('duplicate_rows', breach(config, 'duplicate_rows'), `${d.extra} duplicate rows`, d);
      else push('duplicate_rows', 'pass', '0 duplicate rows');
    }
  }

  if (q.key?.length) {
    const have = new Set(q.columns.map((c) => c.name));
    const absent = q.key.filter((k) => !have.has(k));
    if (absent.length) {
      push(
        'duplicate_keys',
        breach(config, 'duplicate_keys'),
        `key column(s) not in the table: ${list(absent)}`,
      );
    } else {
      const d = await countDuplicates(db, q.schema, q.table, q.loadId, q.key);
      if (d.extra)
        push(
          'duplicate_keys',
          breach(config, 'duplicate_keys'),
          `${d.extra} rows repeat a key (${q.key.join(', ')})`,
          d,
        );
      else push('duplicate_keys', 'pass', `key (${q.key.join(', ')}) is unique`);
    }
  }

  const dated = profile.filter((p) => p.max !== null);
  if (dated.length) {
    const oldest = shiftYears(q.today, -config.max_date_age_years);
    const future = dated.filter((p) => p.max! > q.today);
    const old = dated.filter((p) => p.min! < oldest);
    if (future.length)
      push(
        'future_dates',
        breach(config, 'future_dates'),
        `dates in the future: ${future.map((p) => `${p.name} (latest ${p.max})`).join(', ')}`,
      );
    if (old.length)
      push(
        'old_dates',
        breach(config, 'old_dates'),
        `dates more than ${config.max_date_age_years} years back: ${old.map((p) => `${p.name} (earliest ${p.min})`).join(', ')}`,
      );
    if (!future.length && !old.length)
      push(
        'date_range',
        'pass',
        `dates within range (${dated.length} date column${dated.length === 1 ? '' : 's'})`,
      );
  }
  return out;
}

function list(names: readonly string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

function shiftYears(iso: string, years: number): string {
  const y = Number(iso.slice(0, 4)) + years;
  return `${String(y).padStart(4, '0')}${iso.slice(4)}`;
}
