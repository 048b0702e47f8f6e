-- A transcription may start from a URL that its workflow fetches (with retries and resumption)
-- instead of inside the HTTP request; until then it has no stored audio and no size.
ALTER TABLE stt_jobs ADD COLUMN audio_url text;
ALTER TABLE stt_jobs
  ALTER COLUMN audio_key DROP NOT NULL,
  ALTER COLUMN audio_sha256 DROP NOT NULL,
  ALTER COLUMN content_type DROP NOT NULL,
  ALTER COLUMN size_bytes DROP NOT NULL;
ALTER TABLE stt_jobs ADD CONSTRAINT stt_jobs_audio_source CHECK (audio_key IS NOT NULL OR audio_url IS NOT NULL);
