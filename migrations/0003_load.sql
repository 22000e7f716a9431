-- What `datawarp load` records beyond the control plane of 0002.
ALTER TABLE datawarp.tbl_load_events
  ADD COLUMN columns_widened  jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN columns_pending  text[] NOT NULL DEFAULT '{}',
  ADD COLUMN columns_missing  text[] NOT NULL DEFAULT '{}',
  ADD COLUMN validation_status text CHECK (validation_status IN ('pass', 'warn', 'fail')),
  ADD COLUMN message          text;

-- replace mode deletes the rows of earlier loads of the same file key and period
CREATE INDEX tbl_load_events_file_key_idx
  ON datawarp.tbl_load_events (source_code, target_schema, file_key, period);
-- the start of every load looks for events whose process died
CREATE INDEX tbl_load_events_in_progress_idx
  ON datawarp.tbl_load_events (started_at) WHERE load_status = 'in_progress';
