import { escapeIdentifier, escapeLiteral } from 'pg';

/**
 * Every schema, table and column name that reaches SQL goes through here. Names come from
 * files (headers, sheet names) and are hostile until quoted.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('empty SQL identifier');
  if (name.includes('\0')) throw new Error('SQL identifier contains a NUL byte');
  return escapeIdentifier(name);
}

/** `"schema"."table"` */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * For the rare statement that cannot take parameters (e.g. COMMENT ON, DDL defaults). A NUL (a
 * header from a padded export) is dropped: PostgreSQL text cannot hold it, and in a statement's
 * text it breaks the protocol message itself.
 */
export function quoteLiteral(value: string): string {
  return escapeLiteral(value.includes('\0') ? value.replaceAll('\0', '') : value);
}
