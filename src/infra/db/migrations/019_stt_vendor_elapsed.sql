-- The vendor's time for a job as one worker clock saw it: from the submit's answer to the sending
-- of the poll that found the job done. Measured between database commits instead, a slow commit of
-- the submit made a job look faster than the vendor is, and first polls went out too early.
ALTER TABLE stt_jobs ADD COLUMN vendor_elapsed_ms double precision CHECK (vendor_elapsed_ms >= 0);
