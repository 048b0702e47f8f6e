-- The challenge crawler: one row per crawl, one per page a crawl took from its frontier, and what
-- the last fetch of each URL left behind for the next crawl's conditional request.

CREATE TABLE crawl_runs (
  -- The workflow id (the schedule appends the scheduled time to the schedule id).
  crawl_id            text        PRIMARY KEY,
  seed_urls           jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(seed_urls) = 'array'),
  status              text        NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'COMPLETED')),
  -- CRAWLER_MAX_PAGES stopped the crawl with URLs left in its frontier.
  page_limit_reached  boolean     NOT NULL DEFAULT false,
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz
);
CREATE INDEX crawl_runs_started ON crawl_runs (started_at DESC);

-- FETCHED: a 200 with new content. NOT_MODIFIED: a 304 to the conditional request. UNCHANGED: a 200
-- whose body hashes as last time. REDIRECTED: a 3xx; its target is a page of its own.
-- DISALLOWED: robots.txt forbids it, never requested. FAILED: reason says why.
CREATE TABLE crawl_pages (
  crawl_id      text        NOT NULL REFERENCES crawl_runs (crawl_id) ON DELETE CASCADE,
  url           text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('FETCHED', 'NOT_MODIFIED', 'UNCHANGED', 'REDIRECTED', 'DISALLOWED', 'FAILED')),
  http_status   integer,
  reason        text,
  redirect_to   text,
  challenge_id  text,
  -- The challenge document was written (new or changed) by this fetch.
  document_written boolean  NOT NULL DEFAULT false,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (crawl_id, url)
);

-- Robots rules as each crawl read them, one row per origin; the page fetches read them from here.
CREATE TABLE crawl_hosts (
  crawl_id      text        NOT NULL REFERENCES crawl_runs (crawl_id) ON DELETE CASCADE,
  origin        text        NOT NULL,
  -- PARSED: rules apply. NONE: no robots.txt (4xx), everything allowed. UNAVAILABLE: 5xx or
  -- unreachable, so nothing on the host is fetched this crawl (RFC 9309 §2.3.1.4).
  robots_status text        NOT NULL CHECK (robots_status IN ('PARSED', 'NONE', 'UNAVAILABLE')),
  robots_body   text        NOT NULL DEFAULT '',
  reason        text,
  PRIMARY KEY (crawl_id, origin)
);

-- The validators and links of each URL's last good fetch: a re-crawl asks with If-None-Match /
-- If-Modified-Since and, on a 304, follows the links stored here.
CREATE TABLE crawled_pages (
  url             text        PRIMARY KEY,
  etag            text,
  last_modified   text,
  body_sha256     text        NOT NULL,
  links           jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(links) = 'array'),
  challenge_id    text,
  last_crawl_id   text,
  fetched_at      timestamptz NOT NULL DEFAULT now()
);
