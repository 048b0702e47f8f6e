-- The vendor gate (429 pauses, adaptive cap, slots) now serves every vendor client, the STT
-- vendors and the LLM model server alike, keyed by vendor name: its table loses the stt_ prefix.
ALTER TABLE stt_vendor_limits RENAME TO vendor_limits;
ALTER TABLE vendor_limits RENAME CONSTRAINT stt_vendor_limits_pkey TO vendor_limits_pkey;
ALTER TABLE vendor_limits RENAME CONSTRAINT stt_vendor_limits_learned_cap_check TO vendor_limits_learned_cap_check;

-- Superseded by stt_vendor_limits in 010 and read by nothing since.
DROP TABLE vendor_gates;
