-- What tells a fall of the account's limit from the rest of a burst of refusals
-- (domain/shared/vendor-limits.ts: afterConcurrencyRefusal).
-- A refusal halved the cap and no submit has been accepted since: a later refusal before one is
-- accepted steps the cap down to its own count rather than halving it again.
ALTER TABLE vendor_limits ADD COLUMN halved_since_accept boolean NOT NULL DEFAULT false;
-- When the last A0002 was recorded: a submit sent before then was on its way with the refused one,
-- and its own refusal says nothing new about the limit.
ALTER TABLE vendor_limits ADD COLUMN last_refusal_at timestamptz;
