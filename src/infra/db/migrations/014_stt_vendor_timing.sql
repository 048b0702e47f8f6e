-- How long the vendor takes per job: from the accepted submit to the poll that found the job done.
-- The workers time a job's first poll from what recent jobs took, instead of polling from the start.
ALTER TABLE stt_jobs
  ADD COLUMN vendor_submitted_at timestamptz,
  ADD COLUMN vendor_done_at      timestamptz;
CREATE INDEX stt_jobs_vendor_done ON stt_jobs (vendor, vendor_done_at DESC) WHERE vendor_done_at IS NOT NULL;
