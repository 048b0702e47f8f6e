-- Content moderation: model versions, labelled examples, batches and the items they carry.

-- Every trained model, promoted or not. The model itself is the serialized naive Bayes (JSON);
-- metrics are on the held-out split, next to those of the model that was current at the time.
CREATE TABLE moderation_models (
  version           integer     PRIMARY KEY,
  retrain_id        text        NOT NULL UNIQUE,  -- the retraining run ('seed' for the first model): a retried step finds its version
  trigger           text        NOT NULL,         -- seed | schedule | direct
  model             text        NOT NULL,
  training_examples integer     NOT NULL,
  heldout_examples  integer     NOT NULL,
  vocabulary        integer     NOT NULL,
  metrics           jsonb,                        -- null until evaluated
  baseline_version  integer,
  baseline_metrics  jsonb,
  decision          text        CHECK (decision IN ('promoted', 'rejected')),
  decision_reason   text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  promoted_at       timestamptz
);

-- Training data: the shipped synthetic seed set and reviewers' feedback. One label per example:
-- a second opinion on the same item replaces the first.
CREATE TABLE moderation_labels (
  source      text        NOT NULL CHECK (source IN ('seed', 'feedback')),
  example_id  text        NOT NULL,               -- seed id, or the item id the feedback is about
  kind        text        NOT NULL,
  text        text        NOT NULL,               -- what the reviewer judged (the item's text at the time)
  label       text        NOT NULL CHECK (label IN ('spam', 'ham')),
  labelled_by text        NOT NULL,
  batch_id    text,                               -- the submission judged, for feedback
  labelled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, example_id)
);

CREATE TABLE moderation_batches (
  id            text        PRIMARY KEY,          -- the workflow id
  item_count    integer     NOT NULL,
  model_version integer     REFERENCES moderation_models (version),  -- fixed when the batch starts: one model per batch
  status        text        NOT NULL DEFAULT 'RUNNING',
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);

-- One row per item of a batch; the verdict columns are filled once, by whichever attempt
-- classifies the item first (`WHERE verdict IS NULL`), so a retried page never classifies twice.
CREATE TABLE moderation_items (
  batch_id         text             NOT NULL REFERENCES moderation_batches (id) ON DELETE CASCADE,
  position         integer          NOT NULL,     -- 0-based order in the request: pages are position ranges
  item_id          text             NOT NULL,
  kind             text             NOT NULL CHECK (kind IN ('blog', 'review', 'subtitle_suggestion')),
  text             text             NOT NULL,
  author_id        text,
  verdict          text             CHECK (verdict IN ('allow', 'review', 'block')),
  spam_probability double precision,              -- 0–1
  profanity_score  double precision,              -- 0, 0.5 (review terms), 1 (blocking terms)
  reasons          jsonb,
  model_version    integer          REFERENCES moderation_models (version),
  classified_at    timestamptz,
  PRIMARY KEY (batch_id, position),
  UNIQUE (batch_id, item_id)
);
CREATE INDEX moderation_items_by_item ON moderation_items (item_id, classified_at DESC);
CREATE INDEX moderation_items_in_review ON moderation_items (classified_at, item_id) WHERE verdict = 'review';
