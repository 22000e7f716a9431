import { DatawarpError } from '../../errors.js';
import type { ColumnSpec, PgType } from '../../engine/table-spec.js';
import type { ColumnDef } from '../../warehouse/ddl.js';
import { LINEAGE_COLUMN_DEFS } from '../../warehouse/ddl.js';

/**
 * plan: compare a TableSpec's columns with the table that exists (if any) and decide what the
 * load does to the table — create it, or evolve it (add columns, widen types) while holding big
 * changes for review. Pure: no database.
 */

export interface Widening {
  readonly column: string;
  readonly from: string;
  readonly to: PgType;
}

/** A spec column that lands in the table, with its position in each row and its table type. */
export interface LoadColumn {
  readonly spec: ColumnSpec;
  /** index into TableSpec.columns, i.e. into each Row */
  readonly index: number;
  readonly type: string;
}

export type TablePlan =
  | { readonly kind: 'create'; readonly columns: readonly ColumnDef[]; readonly load: readonly LoadColumn[] }
  | {
      readonly kind: 'evolve';
      readonly add: readonly ColumnDef[];
      readonly widen: readonly Widening[];
      /** table columns this file does not have: they load as null */
      readonly missing: readonly string[];
      /** new columns not added: held for review (new request or already pending) or rejected before */
      readonly held: readonly ColumnSpec[];
      readonly newRequest: readonly ColumnSpec[];
      readonly rejected: readonly ColumnSpec[];
      readonly load: readonly LoadColumn[];
    };

export interface PlanInput {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly ColumnSpec[];
  /** the table's current columns (lineage included), or null when it does not exist */
  readonly existing: readonly ColumnDef[] | null;
  /** this many new columns or more wait for review */
  readonly reviewAt: number;
  /** add every new column regardless of the threshold (test loads have no review queue) */
  readonly autoApprove: boolean;
  readonly pending: ReadonlySet<string>;
  readonly rejected: ReadonlySet<string>;
}

/** File type -> table types that can hold its values as they are. */
const FITS: Record<string, readonly string[]> = {
  integer: ['integer', 'bigint', 'numeric', 'double precision', 'text'],
  bigint: ['bigint', 'numeric', 'text'],
  numeric: ['numeric', 'text'],
  'double precision': ['double precision', 'numeric', 'text'],
  boolean: ['boolean', 'text'],
  date: ['date', 'timestamp', 'timestamptz', 'text'],
  timestamp: ['timestamp', 'timestamptz', 'text'],
  text: ['text'],
};

/** The safe widenings: the numeric chain integer -> bigint -> numeric -> text, and date -> timestamp. */
const WIDENS_TO: Record<string, readonly PgType[]> = {
  integer: ['bigint', 'numeric', 'text'],
  bigint: ['numeric', 'text'],
  numeric: ['text'],
  'double precision': ['numeric', 'text'],
  date: ['timestamp'],
};
const NUMERIC_CHAIN: readonly PgType[] = ['integer', 'bigint', 'numeric', 'text'];

/** The narrowest safe type for a column typed `from` in the table that must also hold `file` values. */
export function widenedType(from: string, file: PgType): PgType | null {
  const allowed = WIDENS_TO[from];
  if (!allowed) return null;
  if (allowed.includes(file)) return file;
  // double precision values are held exactly by numeric, the chain's next step
  if (file === 'double precision') return allowed.includes('numeric') ? 'numeric' : null;
  return null;
}

export function fits(file: PgType, tableType: string): boolean {
  return FITS[file]?.includes(tableType) ?? false;
}

export function planTable(input: PlanInput): TablePlan {
  const { columns, existing } = input;
  if (!existing) {
    return {
      kind: 'create',
      columns: columns.map((c) => ({ name: c.name, type: c.type, comment: c.header })),
      load: columns.map((spec, index) => ({ spec, index, type: spec.type })),
    };
  }
  const lineage = new Set<string>(LINEAGE_COLUMN_DEFS.map((c) => c.name));
  const byName = new Map(existing.map((c) => [c.name, c]));
  const inFile = new Set(columns.map((c) => c.name));
  const widen: Widening[] = [];
  const fresh: { spec: ColumnSpec; index: number }[] = [];
  const load: LoadColumn[] = [];
  columns.forEach((spec, index) => {
    const have = byName.get(spec.name);
    if (!have) return fresh.push({ spec, index });
    if (fits(spec.type, have.type)) return load.push({ spec, index, type: have.type });
    const to = widenedType(have.type, spec.type);
    if (!to) throw forbidden(input, spec, have.type);
    widen.push({ column: spec.name, from: have.type, to });
    load.push({ spec, index, type: to });
  });
  const missing = existing.filter((c) => !lineage.has(c.name) && !inFile.has(c.name)).map((c) => c.name);

  const rejected = fresh.filter((f) => input.rejected.has(f.spec.name) && !input.pending.has(f.spec.name));
  const candidates = fresh.filter((f) => !rejected.includes(f));
  const alreadyPending = candidates.filter((f) => input.pending.has(f.spec.name));
  const unseen = candidates.filter((f) => !input.pending.has(f.spec.name));
  const review = !input.autoApprove && (alreadyPending.length > 0 || unseen.length >= input.reviewAt);
  const add = review ? [] : unseen;
  for (const f of add) load.push({ spec: f.spec, index: f.index, type: f.spec.type });
  load.sort((a, b) => a.index - b.index);
  return {
    kind: 'evolve',
    add: add.map((f) => ({ name: f.spec.name, type: f.spec.type, comment: f.spec.header })),
    widen,
    missing,
    held: review ? candidates.map((f) => f.spec) : [],
    newRequest: review ? unseen.map((f) => f.spec) : [],
    rejected: rejected.map((f) => f.spec),
    load,
  };
}

function forbidden(input: PlanInput, spec: ColumnSpec, tableType: string): DatawarpError {
  const example = spec.examples?.[0];
  const family = NUMERIC_CHAIN.includes(tableType as PgType)
    ? 'only widens along integer → bigint → numeric → text'
    : 'keeps its type';
  return new DatawarpError(
    'SCHEMA_FORBIDDEN',
    `column ${spec.name} is ${tableType} in ${input.schema}.${input.table} but this file holds ${spec.type} values` +
      (example !== undefined ? ` (e.g. ${JSON.stringify(example.slice(0, 40))})` : '') +
      `; a ${tableType} column ${family}`,
    {
      hint: 'fix the file, load it as another source, or change the column yourself (ALTER TABLE) and load again',
    },
  );
}
