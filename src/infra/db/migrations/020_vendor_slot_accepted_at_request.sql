-- How many of the vendor's jobs had been accepted when this slot's submit went out. A job that
-- finishes between a refused submit's request and the refusal's record has left the table by
-- then, but the vendor counted it when it refused: the refusal takes the larger count.
ALTER TABLE vendor_slots ADD COLUMN jobs_accepted_at_request integer CHECK (jobs_accepted_at_request >= 0);
