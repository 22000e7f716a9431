-- Control plane: registry, load events and what hangs off them.
-- Children that mean nothing without their parent cascade on delete. Load events do not cascade
-- from the registry: test loads (--test) have no registry row, and load history outlives
-- deprecation and archiving; only an explicit purge deletes it.

CREATE TABLE datawarp.tbl_data_sources (
  source_code          text PRIMARY KEY
                       CHECK (source_code ~ '^[a-z][a-z0-9_]{0,58}$'),
  publication          text NOT NULL,
  domain               text NOT NULL,
  owner                text NOT NULL CHECK (owner ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  purpose              text NOT NULL CHECK (char_length(purpose) <= 500),
  retention_days       integer NOT NULL DEFAULT 365 CHECK (retention_days > 0),
  load_mode            text NOT NULL DEFAULT 'replace' CHECK (load_mode IN ('append', 'replace', 'fullload')),
  validation_required  boolean NOT NULL DEFAULT true,
  status               text NOT NULL DEFAULT 'registered'
                       CHECK (status IN ('registered', 'active', 'deprecated', 'archived')),
  schema_name          text NOT NULL DEFAULT 'staging',
  table_name           text NOT NULL,
  description          text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  created_by           text NOT NULL DEFAULT current_user,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  last_loaded_at       timestamptz,
  last_validated_at    timestamptz,
  deprecated_at        timestamptz,
  deprecation_reason   text,
  archive_date         date,
  archived_at          timestamptz
);

CREATE TABLE datawarp.tbl_load_events (
  load_id          bigserial PRIMARY KEY,
  source_code      text NOT NULL,
  target_schema    text NOT NULL DEFAULT 'staging',
  target_table     text,
  file_reference   text,
  file_key         text,
  file_sha256      text,
  file_bytes       bigint,
  table_id         text,
  period           text,
  period_start     date,
  period_end       date,
  rows_loaded      bigint NOT NULL DEFAULT 0,
  source_rows      bigint,
  rows_suppressed  bigint NOT NULL DEFAULT 0,
  rows_deleted     bigint NOT NULL DEFAULT 0,
  columns_added    integer NOT NULL DEFAULT 0,
  columns_added_names text[] NOT NULL DEFAULT '{}',
  load_mode        text CHECK (load_mode IN ('append', 'replace', 'fullload')),
  load_status      text NOT NULL DEFAULT 'in_progress'
                   CHECK (load_status IN ('in_progress', 'completed', 'failed', 'rolled_back', 'cancelled', 'skipped')),
  is_test          boolean NOT NULL DEFAULT false,
  spec             jsonb,
  spec_hash        text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  duration_ms      integer,
  error_message    text,
  loaded_by        text NOT NULL DEFAULT current_user,
  pid              integer,
  host             text
);
CREATE INDEX tbl_load_events_source_idx ON datawarp.tbl_load_events (source_code, started_at DESC);
CREATE INDEX tbl_load_events_hash_idx ON datawarp.tbl_load_events (source_code, file_sha256, period);

CREATE TABLE datawarp.tbl_validation_results (
  validation_id    bigserial PRIMARY KEY,
  load_id          bigint NOT NULL REFERENCES datawarp.tbl_load_events (load_id) ON DELETE CASCADE,
  source_code      text NOT NULL,
  validation_type  text NOT NULL CHECK (validation_type IN ('row_count', 'schema', 'quality', 'metadata')),
  check_name       text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pass', 'warn', 'fail')),
  message          text NOT NULL,
  details          jsonb,
  validated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tbl_validation_results_load_idx ON datawarp.tbl_validation_results (load_id);

CREATE TABLE datawarp.tbl_source_metrics (
  metric_id              bigserial PRIMARY KEY,
  source_code            text NOT NULL REFERENCES datawarp.tbl_data_sources (source_code) ON DELETE CASCADE,
  load_id                bigint REFERENCES datawarp.tbl_load_events (load_id) ON DELETE CASCADE,
  metric_date            date NOT NULL DEFAULT current_date,
  row_count              bigint,
  column_count           integer,
  table_size_bytes       bigint,
  load_duration_seconds  numeric(12, 3),
  validation_pass_rate   numeric(5, 2),
  recorded_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tbl_source_metrics_source_idx ON datawarp.tbl_source_metrics (source_code, recorded_at DESC);

CREATE TABLE datawarp.tbl_column_metadata (
  column_id        bigserial PRIMARY KEY,
  source_code      text NOT NULL REFERENCES datawarp.tbl_data_sources (source_code) ON DELETE CASCADE,
  column_name      text NOT NULL,
  original_name    text,
  semantic_name    text,
  data_type        text NOT NULL,
  description      text,
  is_dimension     boolean,
  is_measure       boolean,
  query_keywords   text[],
  ordinal          integer,
  suppressed_count bigint NOT NULL DEFAULT 0,
  first_load_id    bigint,
  last_load_id     bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_code, column_name)
);

CREATE TABLE datawarp.tbl_schema_changes (
  change_id        bigserial PRIMARY KEY,
  source_code      text NOT NULL REFERENCES datawarp.tbl_data_sources (source_code) ON DELETE CASCADE,
  load_id          bigint REFERENCES datawarp.tbl_load_events (load_id) ON DELETE SET NULL,
  change_type      text NOT NULL CHECK (change_type IN ('add_columns', 'widen_type', 'drop_columns', 'rename_column')),
  details          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'applied')),
  requested_at     timestamptz NOT NULL DEFAULT now(),
  requested_by     text NOT NULL DEFAULT current_user,
  decided_at       timestamptz,
  decided_by       text,
  decision_note    text
);
CREATE INDEX tbl_schema_changes_status_idx ON datawarp.tbl_schema_changes (status, source_code);

CREATE TABLE datawarp.tbl_refresh_events (
  id                 bigserial PRIMARY KEY,
  source_code        text NOT NULL REFERENCES datawarp.tbl_data_sources (source_code) ON DELETE CASCADE,
  refresh_type       text NOT NULL CHECK (refresh_type IN ('full', 'partial', 'metadata_only')),
  old_row_count      bigint,
  new_row_count      bigint,
  rows_deleted       bigint,
  rows_added         bigint,
  old_manifest_path  text,
  new_manifest_path  text,
  archived_to        text,
  initiated_by       text NOT NULL DEFAULT current_user,
  initiated_at       timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz,
  status             text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'success', 'failed')),
  error_message      text
);

CREATE TABLE datawarp.tbl_retention_policy (
  id                    bigserial PRIMARY KEY,
  source_pattern        text NOT NULL,
  retain_periods        integer DEFAULT 12,
  retain_days           integer DEFAULT 365,
  archive_to            text,
  delete_after_archive  boolean NOT NULL DEFAULT false,
  created_at            timestamptz NOT NULL DEFAULT now(),
  enabled               boolean NOT NULL DEFAULT true
);

-- Who did what to the control plane, append-only.
CREATE TABLE datawarp.tbl_audit_log (
  audit_id     bigserial PRIMARY KEY,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL DEFAULT current_user,
  action       text NOT NULL,
  source_code  text,
  object_type  text,
  object_name  text,
  details      jsonb
);
CREATE INDEX tbl_audit_log_source_idx ON datawarp.tbl_audit_log (source_code, occurred_at DESC);
