-- load-batch: every manifest it has run and the status of each file entry of each source, so a
-- re-run resumes where the last one stopped and `datawarp manifest status` can say what happened.
-- Manifests are keyed by their `manifest.name`, not their path: the lifecycle moves manifest files
-- between folders (pending, active, archive) and the history must follow them.

CREATE TABLE datawarp.tbl_manifests (
  manifest_id      bigserial PRIMARY KEY,
  manifest_name    text NOT NULL UNIQUE,
  manifest_path    text NOT NULL,
  state            text NOT NULL DEFAULT 'draft'
                   CHECK (state IN ('draft', 'enriched', 'loaded', 'exported', 'archived', 'deprecated')),
  first_run_at     timestamptz NOT NULL DEFAULT now(),
  last_run_at      timestamptz NOT NULL DEFAULT now(),
  last_loaded_at   timestamptz
);

CREATE TABLE datawarp.tbl_manifest_files (
  id               bigserial PRIMARY KEY,
  manifest_id      bigint NOT NULL REFERENCES datawarp.tbl_manifests (manifest_id) ON DELETE CASCADE,
  source_code      text NOT NULL,
  -- locator, member, sheet, table and period of the entry (pipeline/manifest/files.ts)
  file_key         text NOT NULL,
  url              text,
  local_path       text,
  period           text,
  mode             text CHECK (mode IN ('append', 'replace', 'fullload')),
  sheet            text,
  member           text,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'loaded', 'failed', 'skipped')),
  attempts         integer NOT NULL DEFAULT 0,
  -- load history outlives its manifest rows, and a purged load leaves the status row
  load_id          bigint REFERENCES datawarp.tbl_load_events (load_id) ON DELETE SET NULL,
  file_sha256      text,
  rows_loaded      bigint,
  error_code       text,
  error_message    text,
  error_hint       text,
  started_at       timestamptz,
  completed_at     timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (manifest_id, source_code, file_key)
);
CREATE INDEX tbl_manifest_files_status_idx ON datawarp.tbl_manifest_files (manifest_id, status);
