-- Who asked for a crawl outside the schedule's calendar: a POST /api/crawls (with its
-- Idempotency-Key, so a retried request gets the same crawl back) or a worker's first start.
-- A crawl without a row here was started by the calendar.
CREATE TABLE crawl_triggers (
  crawl_id text PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('api', 'first_start')),
  idempotency_key text UNIQUE,
  requested_at timestamptz NOT NULL DEFAULT now()
);
