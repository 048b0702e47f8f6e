-- The vendor's time for a job as the workers' clocks saw it, from the submit's answer: to the
-- request of the poll that found the job done (at most this long), and to the request of the last
-- poll that found it still transcribing (at least this long). Measured between database commits
-- instead, a slow commit of the submit made a job look faster than the vendor is, and first polls
-- went out too early.
ALTER TABLE stt_jobs
  ADD COLUMN vendor_elapsed_ms double precision CHECK (vendor_elapsed_ms >= 0),
  ADD COLUMN vendor_running_ms double precision CHECK (vendor_running_ms >= 0);
