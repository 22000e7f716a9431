/**
 * A value as JSON text for a `jsonb` parameter. jsonb cannot hold U+0000 (PostgreSQL refuses
 * `\u0000`), and values from files carry it (a padded export's example value, a header): it is
 * dropped, as the loader drops it from text columns, rather than failing the load's audit rows.
 */
export function jsonb(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' && v.includes('\0') ? v.replaceAll('\0', '') : v,
  );
}
