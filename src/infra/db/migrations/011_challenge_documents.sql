-- Eco-challenge documents: what the crawler extracts from the challenge site, and what a feedback
-- prompt is built from. One row per challenge; a re-crawl upserts it.
CREATE TABLE challenge_documents (
  challenge_id    text        PRIMARY KEY CHECK (challenge_id ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
  title           text        NOT NULL,
  summary         text        NOT NULL DEFAULT '',
  -- What a good submission shows, one criterion per element: the feedback is judged against these.
  criteria        jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(criteria) = 'array'),
  category        text,
  -- The page it was extracted from (NULL for documents written in by hand or by tests).
  source_url      text,
  -- sha256 of the extracted document: a re-crawl that finds the same content changes nothing.
  content_sha256  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
