/**
 * How DuckDB's sniffed types (recorded in corpus/csv/expectations.json) compare with ours:
 * both sides map to a family, and families are compared. Shared by the corpus test and bench:detect.
 */
import type { PgType } from '../../src/engine/table-spec.js';

export const DUCKDB_FAMILY: Record<string, string> = {
  BIGINT: 'int',
  INTEGER: 'int',
  HUGEINT: 'int',
  SMALLINT: 'int',
  TINYINT: 'int',
  UBIGINT: 'int',
  DOUBLE: 'num',
  FLOAT: 'num',
  DECIMAL: 'num',
  DATE: 'date',
  TIMESTAMP: 'ts',
  'TIMESTAMP WITH TIME ZONE': 'ts',
  BOOLEAN: 'bool',
  VARCHAR: 'text',
  TIME: 'text',
};

export const PG_FAMILY: Record<PgType, string> = {
  integer: 'int',
  bigint: 'int',
  numeric: 'num',
  'double precision': 'num',
  date: 'date',
  timestamp: 'ts',
  boolean: 'bool',
  text: 'text',
};

/** DuckDB's own sniff of a corpus file, as expectations.json records it. */
export interface DuckdbSniff {
  ok: boolean;
  delimiter: string;
  has_header: boolean;
  columns: { name: string; type: string }[];
}
