import type pg from 'pg';

/** A row of `ref.reference_data_cfg`: one per reference table the drop folder feeds. */
export interface ReferenceConfigRow {
  id: string;
  table_name: string;
  source_file: string;
  load_type: 'fullload' | 'append';
  first_loaded_at: Date;
  last_loaded_at: Date;
  last_load_id: string | null;
  load_count: number;
  is_active: boolean;
}

/**
 * Create the table's config row on its first load, keep it current on later ones. Returns true
 * when the row was created now.
 */
export async function upsertReferenceConfig(
  db: pg.ClientBase | pg.Pool,
  c: { table: string; sourceFile: string; loadType: 'fullload' | 'append'; loadId: string | number | null },
): Promise<boolean> {
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO ref.reference_data_cfg (table_name, source_file, load_type, last_load_id)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (table_name) DO UPDATE
        SET source_file = EXCLUDED.source_file, load_type = EXCLUDED.load_type,
            last_loaded_at = now(), last_load_id = EXCLUDED.last_load_id,
            load_count = ref.reference_data_cfg.load_count + 1, is_active = true, updated_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [c.table, c.sourceFile, c.loadType, c.loadId],
  );
  return rows[0]?.inserted ?? false;
}

export async function listReferenceConfig(db: pg.ClientBase | pg.Pool): Promise<ReferenceConfigRow[]> {
  const { rows } = await db.query<ReferenceConfigRow>(
    'SELECT * FROM ref.reference_data_cfg ORDER BY table_name',
  );
  return rows;
}
