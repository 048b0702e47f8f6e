-- Administrative regions for the region score map (docs/reference-data.md, "Regions"): a code, a
-- name and a centroid. A region's score is the hazard score of the grid point nearest its
-- centroid, found per request by src/infra/db/queries/region-scores.ts. Regions do not reference
-- grid points: the grid can be replaced (another resolution, real data) without touching them.
CREATE TABLE risk_regions (
  code      text             PRIMARY KEY,
  name      text             NOT NULL,
  latitude  double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  -- 'synthetic/v1' for the generated stand-in, or the name of an imported dataset.
  source    text             NOT NULL,
  -- Same scaling as risk_grid_points.location (longitude × cos 36°), so `<->` between the two
  -- columns is the equirectangular distance in degrees of latitude and the KNN probe needs no
  -- per-row arithmetic on the region side.
  location  point            GENERATED ALWAYS AS (point(longitude * 0.809, latitude)) STORED
);
CREATE INDEX risk_regions_location ON risk_regions USING gist (location);
