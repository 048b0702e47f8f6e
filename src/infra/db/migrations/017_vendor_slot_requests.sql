-- A slot whose submit is on its way to the vendor: the vendor may already run that job when
-- another submit is refused for concurrency, so the refusal counts it with the accepted ones.
ALTER TABLE vendor_slots ADD COLUMN requested_at timestamptz;
