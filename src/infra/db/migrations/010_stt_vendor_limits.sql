-- What the workers have learned about a vendor account's limits, shared by every worker:
-- one gate per limit class and the adaptive cap on concurrent vendor jobs.
-- Replaces vendor_gates, whose single gate paused polls of running jobs for a submit-only limit.
CREATE TABLE stt_vendor_limits (
  vendor                   text        PRIMARY KEY,
  -- Concurrent vendor jobs the account has been seen to take; NULL until an A0002 taught us
  -- anything (STT_MAX_IN_FLIGHT applies then).
  learned_cap              integer     CHECK (learned_cap >= 1),
  -- Most vendor jobs running at once since the cap last changed: slots up to it are taken
  -- freely, one beyond it is a probe and goes alone.
  proven_in_flight         integer     NOT NULL DEFAULT 0,
  completed_since_change   integer     NOT NULL DEFAULT 0,
  -- An A0002 with no accepted submit since the previous one: the next A0002 halves the cap.
  refused_since_accept     boolean     NOT NULL DEFAULT false,
  -- Closed by A0002/A0001: no submits; polls of running jobs go on.
  submit_blocked_until     timestamptz NOT NULL DEFAULT '-infinity',
  submit_reason            text,
  -- Closed by A0003 or a 429 that names no limit: no request at all.
  all_blocked_until        timestamptz NOT NULL DEFAULT '-infinity',
  all_reason               text,
  -- 429s in a row without a success in between: lengthens pauses the vendor did not time.
  consecutive_429          integer     NOT NULL DEFAULT 0,
  last_429_at              timestamptz,
  last_429_code            text,
  last_429_class           text,
  -- 429s since the row was created, by limit class: {"concurrency": 3, "rate": 12, …}.
  responses_429            jsonb       NOT NULL DEFAULT '{}',
  updated_at               timestamptz NOT NULL DEFAULT now()
);

-- Set when the vendor accepted the job's submit: a slot without it is still being submitted.
ALTER TABLE vendor_slots ADD COLUMN submitted_at timestamptz;
