-- The vendor gate (429 pauses, adaptive cap, slots) now serves every vendor client, the STT
-- vendors and the LLM model server alike, keyed by vendor name: its table loses the stt_ prefix.
ALTER TABLE stt_vendor_limits RENAME TO vendor_limits;
ALTER TABLE vendor_limits RENAME CONSTRAINT stt_vendor_limits_pkey TO vendor_limits_pkey;
ALTER TABLE vendor_limits RENAME CONSTRAINT stt_vendor_limits_learned_cap_check TO vendor_limits_learned_cap_check;

-- Superseded by stt_vendor_limits in 010 and read by nothing since.
DROP TABLE vendor_gates;

-- One feedback job per accepted request (id = workflow id: `feedback-<Idempotency-Key>`).
CREATE TABLE feedback_jobs (
  id           text        PRIMARY KEY,
  challenge_id text        NOT NULL,
  -- {text, photos?}: what the user submitted, as accepted.
  submission   jsonb       NOT NULL,
  -- As the workflow last recorded it: RUNNING until COMPLETED, FAILED or CANCELED.
  status       text        NOT NULL DEFAULT 'RUNNING',
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX feedback_jobs_created_idx ON feedback_jobs (created_at DESC);

-- The validated answer, one per job whatever the number of model calls: a resumed call upserts nothing twice.
CREATE TABLE feedback_results (
  job_id      text        PRIMARY KEY REFERENCES feedback_jobs (id) ON DELETE CASCADE,
  answer      jsonb       NOT NULL,
  -- True when the first answer was invalid and the repair call produced this one.
  repaired    boolean     NOT NULL,
  model       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every model call a job made, keyed by the activity attempt that made it, with its token usage.
CREATE TABLE feedback_model_calls (
  job_id             text        NOT NULL REFERENCES feedback_jobs (id) ON DELETE CASCADE,
  call_key           text        NOT NULL,
  purpose            text        NOT NULL CHECK (purpose IN ('answer', 'repair')),
  -- valid | invalid | rate_limited | failed
  outcome            text        NOT NULL,
  prompt_tokens      integer,
  completion_tokens  integer,
  -- The answer text of an invalid call: the repair call shows it to the model.
  output             text,
  reason             text,
  finished_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, call_key)
);

-- What the model streamed, in small batches, for GET /api/feedback-jobs/:id/stream (seq is the SSE id).
-- A `call` event starts each model call: a client drops the text of the call before it.
CREATE TABLE feedback_stream_events (
  job_id      text        NOT NULL REFERENCES feedback_jobs (id) ON DELETE CASCADE,
  seq         integer     NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('call', 'tokens')),
  data        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, seq)
);
