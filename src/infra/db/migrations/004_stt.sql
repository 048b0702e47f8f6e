-- Speech-to-text jobs and their transcripts, plus the cross-worker coordination that keeps the
-- vendor account healthy: a per-vendor backoff gate and leases on its concurrent-job slots.
CREATE TABLE stt_jobs (
  id             text PRIMARY KEY,            -- the workflow id, e.g. stt-<idempotency key>
  vendor         text        NOT NULL,
  audio_key      text        NOT NULL,        -- object storage key; retries never need the client again
  audio_sha256   text        NOT NULL,
  filename       text        NOT NULL,
  content_type   text        NOT NULL,
  size_bytes     bigint      NOT NULL,
  options        jsonb       NOT NULL DEFAULT '{}',
  vendor_job_id  text,                        -- recorded before anything else can fail, so it is submitted once
  status         text        NOT NULL DEFAULT 'PENDING',
  error          text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);

CREATE TABLE stt_utterances (
  job_id       text    NOT NULL REFERENCES stt_jobs (id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  speaker      integer NOT NULL,
  start_ms     integer NOT NULL,
  duration_ms  integer NOT NULL,
  text         text    NOT NULL,
  PRIMARY KEY (job_id, seq)
);

-- While blocked_until is in the future nobody calls the vendor. After it passes, one caller at
-- a time may probe (probe_until) until a success resets the streak of 429s.
CREATE TABLE vendor_gates (
  vendor           text        PRIMARY KEY,
  blocked_until    timestamptz NOT NULL DEFAULT '-infinity',
  consecutive_429  integer     NOT NULL DEFAULT 0,
  probe_until      timestamptz NOT NULL DEFAULT '-infinity',
  last_reason      text,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- A job holds a slot from submit until its result is fetched; a lease that is not renewed
-- (its workflow is gone) expires, so a lost worker never leaks the account's capacity.
CREATE TABLE vendor_slots (
  vendor       text        NOT NULL,
  job_id       text        NOT NULL,
  acquired_at  timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (vendor, job_id)
);
