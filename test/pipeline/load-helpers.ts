/**
 * Hand-built tables for loader tests that are about the loader (plan, modes, evolution, gates),
 * not about detection: a TableSpec and typed rows with the engine's contract (`TypeMisfit` when a
 * value does not fit its column, `refine` re-types from every row).
 */
import crypto from 'node:crypto';
import { TypeMisfit, type Row } from '../../src/engine/api.js';
import type { ColumnSpec, FileSpec, PgType, TableSpec } from '../../src/engine/table-spec.js';
import type { TableSource } from '../../src/pipeline/load/types.js';
import { DEFAULT_CONFIG, parseConfig, type Config } from '../../src/storage/config.js';

const SUPPRESSED = new Set(['*', 'c', '[x]']);

function fitsType(v: string, t: PgType): boolean {
  switch (t) {
    case 'integer':
      return /^-?\d{1,9}$/.test(v);
    case 'bigint':
      return /^-?\d{1,18}$/.test(v);
    case 'numeric':
    case 'double precision':
      return /^-?\d+(\.\d+)?$/.test(v);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(v);
    case 'boolean':
      return v === 't' || v === 'f';
    default:
      return true;
  }
}

const ORDER: PgType[] = ['integer', 'bigint', 'numeric', 'text'];

function inferType(values: readonly string[]): PgType {
  const real = values.filter((v) => v !== '' && !SUPPRESSED.has(v));
  if (!real.length) return 'text';
  if (real.every((v) => fitsType(v, 'date'))) return 'date';
  return ORDER.find((t) => real.every((v) => fitsType(v, t))) ?? 'text';
}

export interface MemoryTable {
  readonly name?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** types as a sampled detection would say; default: inferred from the first `sample` rows */
  readonly types?: readonly PgType[];
  readonly sample?: number;
  readonly fileName?: string;
  readonly period?: FileSpec['period'];
  /** pause between rows (ms) after this many rows, for cancellation tests */
  readonly slowAfter?: number;
}

export function snake(h: string): string {
  return (
    h
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'column'
  );
}

function buildSpec(t: MemoryTable, rows: readonly (readonly string[])[]): TableSpec {
  const columns: ColumnSpec[] = t.headers.map((h, i) => {
    const values = rows.map((r) => r[i] ?? '');
    return {
      name: snake(h),
      header: h,
      type: t.types && rows !== t.rows ? t.types[i]! : inferType(values),
      nullable: true,
      suppressed: values.filter((v) => SUPPRESSED.has(v)).length,
      sourceIndex: i,
      examples: values.slice(0, 3),
    };
  });
  return {
    id: 't1',
    sheet: null,
    member: null,
    name: t.name ?? 'table',
    kind: 'data',
    headerRows: [1, 1],
    dataRows: [2, t.rows.length + 1],
    columns,
    rowCount: t.rows.length,
    confidence: 1,
    warnings: [],
  };
}

export function memorySource(t: MemoryTable): TableSource & { reads: number } {
  const sampleRows = t.rows.slice(0, t.sample ?? 100);
  const table = t.types ? buildSpec(t, sampleRows) : buildSpec(t, sampleRows);
  const content = JSON.stringify([t.headers, t.rows]);
  const spec: FileSpec = {
    file: t.fileName ?? 'memory.csv',
    format: 'csv',
    bytes: content.length,
    sha256: crypto.createHash('sha256').update(content).digest('hex'),
    encoding: 'utf-8',
    period: t.period ?? null,
    tables: [table],
  };
  const src = {
    reads: 0,
    file: { reference: spec.file, name: spec.file, sha256: spec.sha256, bytes: spec.bytes },
    spec,
    table,
    read(tbl: TableSpec, signal: AbortSignal | undefined): AsyncIterable<Row[]> {
      src.reads++;
      return (async function* () {
        let n = 0;
        let batch: Row[] = [];
        for (const r of t.rows) {
          n++;
          if (t.slowAfter !== undefined && n > t.slowAfter) await new Promise((res) => setTimeout(res, 1));
          signal?.throwIfAborted();
          batch.push(
            tbl.columns.map((c) => {
              const v = r[c.sourceIndex] ?? '';
              if (v === '' || SUPPRESSED.has(v)) return null;
              if (!fitsType(v, c.type)) throw new TypeMisfit(c.name, v, n + 1);
              return v;
            }),
          );
          if (batch.length >= 500 || t.slowAfter !== undefined) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
      })();
    },
    async refine(): Promise<TableSpec> {
      return buildSpec({ ...t, types: undefined }, t.rows);
    },
  };
  return src;
}

export function config(yaml = ''): Config {
  return yaml ? parseConfig(yaml) : DEFAULT_CONFIG;
}

export function rowsOf(n: number, f: (i: number) => string[]): string[][] {
  return Array.from({ length: n }, (_, i) => f(i));
}
