-- Site risk assessments: the request (sites), per-(site, scenario, year) cell status and
-- per-(site, scenario, year, hazard) results. Every write is an upsert on these keys.
CREATE TABLE risk_assessments (
  id              text PRIMARY KEY,           -- the workflow id, e.g. risk-<idempotency key>
  scenarios       text[]      NOT NULL,
  year_from       smallint    NOT NULL,
  year_to         smallint    NOT NULL,
  site_count      integer     NOT NULL,
  status          text        NOT NULL DEFAULT 'PENDING',
  retry_runs      integer     NOT NULL DEFAULT 0,
  workflow_id     text        NOT NULL,       -- the latest run: the assessment itself or its newest retry
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);

CREATE TABLE risk_sites (
  assessment_id   text        NOT NULL REFERENCES risk_assessments (id) ON DELETE CASCADE,
  site_id         text        NOT NULL,
  ordinal         integer     NOT NULL,       -- position in the request, for paging children
  name            text,
  latitude        double precision NOT NULL,
  longitude       double precision NOT NULL,
  building        jsonb       NOT NULL,
  asset_value     double precision NOT NULL,
  insurance_rate  double precision NOT NULL,
  grid_id         bigint,
  grid_distance_km double precision,
  status          text        NOT NULL DEFAULT 'PENDING',
  error           text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (assessment_id, site_id),
  UNIQUE (assessment_id, ordinal)
);

CREATE TABLE risk_cells (
  assessment_id   text        NOT NULL,
  site_id         text        NOT NULL,
  scenario        text        NOT NULL,
  year            smallint    NOT NULL,
  status          text        NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
  attempts        integer     NOT NULL DEFAULT 1,
  error           text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (assessment_id, site_id, scenario, year),
  FOREIGN KEY (assessment_id, site_id) REFERENCES risk_sites (assessment_id, site_id) ON DELETE CASCADE
);
CREATE INDEX risk_cells_failed ON risk_cells (assessment_id, site_id) WHERE status = 'FAILED';

CREATE TABLE risk_results (
  assessment_id    text        NOT NULL,
  site_id          text        NOT NULL,
  scenario         text        NOT NULL,
  year             smallint    NOT NULL,
  hazard           text        NOT NULL,
  h                double precision NOT NULL,
  e                double precision NOT NULL,
  v                double precision NOT NULL,
  p_bins           double precision[] NOT NULL,
  base_aal         double precision NOT NULL,
  final_aal        double precision NOT NULL,
  expected_loss    double precision NOT NULL,
  integrated_score double precision NOT NULL,
  grade            text        NOT NULL,
  model_version    text        NOT NULL,
  computed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (assessment_id, site_id, scenario, year, hazard),
  FOREIGN KEY (assessment_id, site_id) REFERENCES risk_sites (assessment_id, site_id) ON DELETE CASCADE
);
