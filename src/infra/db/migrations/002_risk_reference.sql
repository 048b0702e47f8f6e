-- Climate reference data for the risk pipeline (docs/reference-data.md): static attributes per
-- grid point and yearly indicators per (grid point, scenario, year). Loaded in bulk by
-- src/infra/reference-data; read by src/infra/db/queries/risk-reference.ts.

CREATE TABLE risk_grid_points (
  id                bigint           PRIMARY KEY,
  latitude          double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude         double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  land_cover        text             NOT NULL
    CHECK (land_cover IN ('urban', 'agricultural', 'forest', 'grassland', 'wetland', 'barren', 'water')),
  imperviousness    double precision NOT NULL CHECK (imperviousness BETWEEN 0 AND 1),
  river_distance_m  double precision NOT NULL CHECK (river_distance_m >= 0),
  coast_distance_m  double precision NOT NULL CHECK (coast_distance_m >= 0),
  forest_distance_m double precision NOT NULL CHECK (forest_distance_m >= 0),
  elevation_m       double precision NOT NULL,
  -- 'synthetic/v1' or the name of a real dataset; results computed from a point must show it.
  source            text             NOT NULL,
  -- PostGIS is not available, so nearest-point search uses the built-in point type and a GiST
  -- index (KNN via <->). Longitude is scaled by cos(36°) = 0.809, the middle of the grid
  -- (33–39°N), so one unit is about one degree of latitude in both directions and plain
  -- Euclidean distance is the equirectangular distance. Across 33–39°N the east–west scale is
  -- then off by at most ±4 %; the lookup re-ranks nearby candidates by great-circle distance,
  -- so this only affects how many candidates it looks at, never which point wins.
  location          point            GENERATED ALWAYS AS (point(longitude * 0.809, latitude)) STORED
);
CREATE INDEX risk_grid_points_location ON risk_grid_points USING gist (location);

-- One row per (grid point, scenario, year), 2021–2100. Units as YearIndicators in
-- src/domain/risk/types.ts. Sea-level rise (slr) is a column here too: the real source has it on
-- a coarse ocean grid, and the synthetic generator already repeats one value per 1° cell, so
-- storing it per point costs little and keeps a site's inputs in one table.
CREATE TABLE risk_yearly_indicators (
  grid_id             bigint           NOT NULL REFERENCES risk_grid_points (id),
  scenario            text             NOT NULL CHECK (scenario IN ('SSP126', 'SSP245', 'SSP370', 'SSP585')),
  year                smallint         NOT NULL CHECK (year BETWEEN 2021 AND 2100),
  su25                double precision NOT NULL,
  tr25                double precision NOT NULL,
  wsdi                double precision NOT NULL,
  fd0                 double precision NOT NULL,
  id0                 double precision NOT NULL,
  csdi                double precision NOT NULL,
  tnn                 double precision NOT NULL,
  prcp                double precision NOT NULL,
  cdd                 double precision NOT NULL,
  spei12              double precision,
  rx1day              double precision NOT NULL,
  rain80              double precision NOT NULL,
  ta                  double precision NOT NULL,
  rhm                 double precision NOT NULL,
  ws                  double precision NOT NULL,
  slr                 double precision NOT NULL,
  typhoon_wind_ms     double precision NOT NULL,
  typhoon_distance_km double precision,
  typhoon_index       double precision NOT NULL,
  water_withdrawal    double precision NOT NULL,
  water_available     double precision NOT NULL,
  -- Leading with grid_id, so one site's 320 rows come from one index range scan.
  PRIMARY KEY (grid_id, scenario, year)
);

-- What is loaded: source label, resolution, seed, loaded_at, counts. One row per key.
CREATE TABLE risk_reference_meta (
  key   text  PRIMARY KEY,
  value jsonb NOT NULL
);
