-- Grid batch of the risk pipeline: hazard score H and P(H) per (grid point, scenario, year,
-- hazard), precomputed for every grid point by hazardGridBatchWorkflow (yearly schedule or on
-- demand) and reused by site assessments and the region query. Upserted on the natural key, so a
-- second batch updates rows instead of adding them.
CREATE TABLE hazard_results (
  grid_id       bigint           NOT NULL REFERENCES risk_grid_points (id),
  scenario      text             NOT NULL,
  year          smallint         NOT NULL,
  hazard        text             NOT NULL,
  h             double precision NOT NULL,      -- hazard score, 0–100
  batch_id      text             NOT NULL,      -- the batch that last wrote the row
  model_version text             NOT NULL,
  computed_at   timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (grid_id, scenario, year, hazard)
);
-- The region query (src/infra/db/queries/region-scores.ts) reads, for each of ~250 grid points,
-- one (scenario, hazard) over some years: one descent and a short leaf range per point, from the
-- index alone. `year` is included rather than a key column on purpose: as a key, `year = ANY (...)`
-- becomes an index condition, which PostgreSQL 15 answers with one descent per year.
CREATE INDEX hazard_results_by_point ON hazard_results (grid_id, scenario, hazard) INCLUDE (year, h);

CREATE TABLE probability_results (
  grid_id       bigint             NOT NULL REFERENCES risk_grid_points (id),
  scenario      text               NOT NULL,
  year          smallint           NOT NULL,
  hazard        text               NOT NULL,
  window_years  smallint           NOT NULL,    -- P(H) depends on the window; reused only for the same one
  p_bins        double precision[] NOT NULL,
  base_aal      double precision   NOT NULL,
  batch_id      text               NOT NULL,
  model_version text               NOT NULL,
  computed_at   timestamptz        NOT NULL DEFAULT now(),
  PRIMARY KEY (grid_id, scenario, year, hazard)
);

-- One row per batch run (the workflow id); chunks record which grid-id ranges are stored, so a
-- retried or continued batch skips them and progress is a count.
CREATE TABLE risk_grid_batches (
  id            text        PRIMARY KEY,
  trigger       text        NOT NULL,          -- 'schedule' (yearly or POST /api/risk-batches) | 'direct'
  status        text        NOT NULL DEFAULT 'RUNNING',
  window_years  smallint    NOT NULL,
  points_total  integer     NOT NULL,
  error         text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);

CREATE TABLE risk_grid_batch_chunks (
  batch_id      text        NOT NULL REFERENCES risk_grid_batches (id) ON DELETE CASCADE,
  first_grid_id bigint      NOT NULL,
  last_grid_id  bigint      NOT NULL,
  points        integer     NOT NULL,
  rows_written  integer     NOT NULL,
  failed_points integer     NOT NULL DEFAULT 0, -- points skipped for unusable reference data (logged)
  attempts      integer     NOT NULL,
  finished_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, first_grid_id)
);
