-- A submit whose request went out and whose answer never came back (the worker died, the connection
-- broke, the vendor answered 5xx) may have started a job at the vendor. The vendor has no
-- idempotency key to ask it, so the retry submits again; these columns let the job show that the
-- vendor may have run its audio more than once. `submit_sent_at` is set while a submit is on its way
-- and cleared by its answer; a retry that finds it set counts one submit in doubt.
ALTER TABLE stt_jobs
  ADD COLUMN submit_sent_at timestamptz,
  ADD COLUMN submits_in_doubt integer NOT NULL DEFAULT 0 CHECK (submits_in_doubt >= 0);
-- The same count across every job of the vendor account, for GET /api/stt/vendor and /metrics.
ALTER TABLE vendor_limits ADD COLUMN submits_in_doubt bigint NOT NULL DEFAULT 0 CHECK (submits_in_doubt >= 0);
