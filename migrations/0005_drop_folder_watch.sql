-- Drop-folder ingestion (`datawarp watch`): every file the watcher sees, and one config row per
-- reference table it feeds. State lives here, not in the watcher's memory, so a restarted watcher
-- resumes where the last one stopped and several watchers share one folder.

CREATE TABLE ref.file_monitor_tracking (
  id                        bigserial PRIMARY KEY,
  file_path                 text NOT NULL,
  file_name                 text NOT NULL,
  file_size                 bigint,
  -- mtime in milliseconds since the epoch, as the watcher's stability check compares it
  file_mtime_ms             double precision,
  file_hash                 text,
  load_type                 text NOT NULL CHECK (load_type IN ('fullload', 'append')),
  is_reference_data         boolean NOT NULL,
  target_schema             text,
  table_name                text,
  detected_format           text,
  detected_encoding         text,
  detected_delimiter        text,
  detected_headers          jsonb,
  reference_config_inserted boolean NOT NULL DEFAULT false,
  status                    text NOT NULL DEFAULT 'detected'
                            CHECK (status IN ('detected', 'waiting', 'review', 'processing', 'processed',
                                              'error', 'duplicate', 'rejected')),
  stable_checks             integer NOT NULL DEFAULT 0,
  checked_at_ms             double precision,
  attempts                  integer NOT NULL DEFAULT 0,
  claimed_by                text,
  claimed_at                timestamptz,
  -- review mode: what the watcher would do (table, header row, delimiter, types), and the
  -- reviewer's changes to it
  proposed_settings         jsonb,
  approved_settings         jsonb,
  reviewed_by               text,
  reviewed_at               timestamptz,
  load_id                   bigint,
  rows_loaded               bigint,
  backup_table              text,
  moved_to                  text,
  error_category            text,
  error_message             text,
  error_hint                text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  processed_at              timestamptz
);
-- One live row per path; finished rows (processed, error, ...) stay as history.
CREATE UNIQUE INDEX file_monitor_tracking_live_path
  ON ref.file_monitor_tracking (file_path)
  WHERE status IN ('detected', 'waiting', 'review', 'processing');
CREATE INDEX file_monitor_tracking_hash
  ON ref.file_monitor_tracking (target_schema, table_name, file_hash)
  WHERE status = 'processed';
CREATE INDEX file_monitor_tracking_status ON ref.file_monitor_tracking (status, updated_at DESC);

CREATE TABLE ref.reference_data_cfg (
  id               bigserial PRIMARY KEY,
  table_name       text NOT NULL UNIQUE,
  source_file      text NOT NULL,
  load_type        text NOT NULL CHECK (load_type IN ('fullload', 'append')),
  first_loaded_at  timestamptz NOT NULL DEFAULT now(),
  last_loaded_at   timestamptz NOT NULL DEFAULT now(),
  last_load_id     bigint,
  load_count       integer NOT NULL DEFAULT 1,
  is_active        boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
