-- A refusal halved the cap and no submit has been accepted since: a later refusal before one is
-- accepted steps the cap down to its own count rather than halving it again, so one fall of the
-- account's limit halves the cap once (domain/shared/vendor-limits.ts: afterConcurrencyRefusal).
ALTER TABLE vendor_limits ADD COLUMN halved_since_accept boolean NOT NULL DEFAULT false;
