-- Video metadata ETL. A job stages its valid input rows (rows never travel through Temporal
-- payloads) and records rejections; each staged video is probed, resolved, transferred and
-- loaded into `videos`, keyed by the video's own id, so re-running an input updates rows.
CREATE TABLE etl_jobs (
  id           text PRIMARY KEY,               -- the workflow id, e.g. etl-<idempotency key>
  source       text        NOT NULL,           -- 'csv' | 'json'
  input_key    text        NOT NULL,           -- object storage key of the input as received
  status       text        NOT NULL DEFAULT 'PENDING',
  total_rows   integer,
  valid_rows   integer,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

CREATE TABLE etl_rejections (
  job_id      text    NOT NULL REFERENCES etl_jobs (id) ON DELETE CASCADE,
  row_number  integer NOT NULL,
  column_name text,
  reason      text    NOT NULL,
  PRIMARY KEY (job_id, row_number)
);

-- One row per (job, video): the staged metadata and what happened to it in this job.
CREATE TABLE etl_job_videos (
  job_id           text        NOT NULL REFERENCES etl_jobs (id) ON DELETE CASCADE,
  video_id         text        NOT NULL,
  ordinal          integer     NOT NULL,       -- position among the job's valid rows, for chunking
  title            text        NOT NULL,
  category         text,
  instructor       text,
  duration_seconds integer,
  published_at     date,
  source_url       text        NOT NULL,
  status           text        NOT NULL DEFAULT 'PENDING',   -- PENDING | DOWNLOADED | LOADED | FAILED
  attempts         integer     NOT NULL DEFAULT 0,
  error            text,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, video_id),
  UNIQUE (job_id, ordinal)
);
CREATE INDEX etl_job_videos_status ON etl_job_videos (job_id, status);

-- The loaded catalogue: one row per video id, whatever job last loaded it.
CREATE TABLE videos (
  video_id         text        PRIMARY KEY,
  title            text        NOT NULL,
  category         text,
  instructor       text,
  duration_seconds integer,
  published_at     date,
  source_url       text        NOT NULL,
  resolved_url     text,
  http_status      integer,
  storage_key      text,
  size_bytes       bigint,
  sha256           text,
  status           text        NOT NULL,
  attempts         integer     NOT NULL DEFAULT 1,
  last_job_id      text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE video_events (
  id          bigserial   PRIMARY KEY,
  job_id      text        NOT NULL,
  video_id    text        NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  event       text        NOT NULL,          -- probed, resolved, download_started, resumed, downloaded, loaded, failed
  detail      jsonb       NOT NULL DEFAULT '{}',
  FOREIGN KEY (job_id, video_id) REFERENCES etl_job_videos (job_id, video_id) ON DELETE CASCADE
);
CREATE INDEX video_events_video ON video_events (job_id, video_id, at);
