-- Site results as one narrow row per (site, scenario, year) cell instead of nine wide rows.
-- A 1,000-site portfolio stored 2.88 M rows of ~400 B with the assessment id, site id, scenario,
-- hazard, grade and model version as text in every row and in the primary key; writing them
-- was most of a portfolio's time. A cell is written and read whole (nine hazards at once), so
-- its hazards travel as parallel arrays: 9× fewer tuples, index entries and foreign-key checks,
-- integer keys, and the text labels as small codes. Every number stays a double: the API
-- reports them as stored and the tests compare them bit for bit.
-- `risk_results` becomes a view with the old columns, so every reader keeps its SQL.

-- The codes stand for the domain's names; src/infra/risk/queries/result-codes.ts holds the same
-- mapping for the writer, and a test keeps the two equal. Codes are never reused or renumbered.
CREATE TABLE risk_scenario_codes (code smallint PRIMARY KEY, scenario text NOT NULL UNIQUE);
INSERT INTO risk_scenario_codes VALUES (1, 'SSP126'), (2, 'SSP245'), (3, 'SSP370'), (4, 'SSP585');

CREATE TABLE risk_hazard_codes (code smallint PRIMARY KEY, hazard text NOT NULL UNIQUE);
INSERT INTO risk_hazard_codes VALUES
  (1, 'extreme_heat'), (2, 'extreme_cold'), (3, 'drought'), (4, 'water_stress'), (5, 'river_flood'),
  (6, 'urban_flood'), (7, 'sea_level_rise'), (8, 'typhoon'), (9, 'wildfire');

CREATE TABLE risk_grade_codes (code smallint PRIMARY KEY, grade text NOT NULL UNIQUE);
INSERT INTO risk_grade_codes VALUES
  (0, 'none'), (1, 'minimal'), (2, 'minor'), (3, 'moderate'), (4, 'major'), (5, 'severe'), (6, 'extreme');

-- An integer handle per site: results key on it instead of (assessment id, site id) as text.
-- Existing sites are numbered as the column is added.
ALTER TABLE risk_sites ADD COLUMN site_key bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE risk_sites ADD CONSTRAINT risk_sites_site_key_key UNIQUE (site_key);

CREATE TABLE risk_cell_results (
  site_key         bigint      NOT NULL REFERENCES risk_sites (site_key) ON DELETE CASCADE,
  scenario         smallint    NOT NULL REFERENCES risk_scenario_codes (code),
  year             smallint    NOT NULL,
  -- Element i of every array below belongs to hazards[i].
  hazards          smallint[]  NOT NULL,      -- risk_hazard_codes
  h                double precision[] NOT NULL,
  e                double precision[] NOT NULL,
  v                double precision[] NOT NULL,
  base_aal         double precision[] NOT NULL,
  final_aal        double precision[] NOT NULL,
  expected_loss    double precision[] NOT NULL,
  integrated_score double precision[] NOT NULL,
  grades           smallint[]  NOT NULL,      -- risk_grade_codes
  -- Every hazard's P(H) bins end to end; hazard i's are p_bins[bin_ends[i-1] + 1 : bin_ends[i]]
  -- (bin_ends[0] taken as 0). Hazards have different bin counts, so a 2-D array would not do.
  p_bins           double precision[] NOT NULL,
  bin_ends         smallint[]  NOT NULL,
  -- Once per cell, not per hazard: a cell's nine results are always written together.
  model_version    text        NOT NULL,
  computed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_key, scenario, year),
  CHECK (cardinality(hazards) = cardinality(h) AND cardinality(hazards) = cardinality(e) AND cardinality(hazards) = cardinality(v)
     AND cardinality(hazards) = cardinality(base_aal) AND cardinality(hazards) = cardinality(final_aal)
     AND cardinality(hazards) = cardinality(expected_loss) AND cardinality(hazards) = cardinality(integrated_score)
     AND cardinality(hazards) = cardinality(grades) AND cardinality(hazards) = cardinality(bin_ends))
);

-- Existing results move over cell by cell; nothing is dropped. A cell's rows were always written
-- in one statement with one model version, so grouping by it cannot split a cell (if it did, the
-- primary key would stop the migration rather than lose a version).
ALTER TABLE risk_results RENAME TO risk_results_wide;
CREATE AGGREGATE pg_temp.concat_float8_arrays(double precision[]) (SFUNC = array_cat, STYPE = double precision[], INITCOND = '{}');

INSERT INTO risk_cell_results (site_key, scenario, year, hazards, h, e, v, base_aal, final_aal, expected_loss, integrated_score, grades, p_bins, bin_ends, model_version, computed_at)
SELECT site_key, scenario, year,
       array_agg(hazard ORDER BY hazard), array_agg(h ORDER BY hazard), array_agg(e ORDER BY hazard), array_agg(v ORDER BY hazard),
       array_agg(base_aal ORDER BY hazard), array_agg(final_aal ORDER BY hazard), array_agg(expected_loss ORDER BY hazard),
       array_agg(integrated_score ORDER BY hazard), array_agg(grade ORDER BY hazard),
       pg_temp.concat_float8_arrays(p_bins ORDER BY hazard), array_agg(bin_end ORDER BY hazard),
       model_version, max(computed_at)
FROM (
  SELECT s.site_key, sc.code AS scenario, r.year, hz.code AS hazard, r.h, r.e, r.v, r.base_aal, r.final_aal, r.expected_loss,
         r.integrated_score, g.code AS grade, r.p_bins, r.model_version, r.computed_at,
         (sum(cardinality(r.p_bins)) OVER (PARTITION BY s.site_key, sc.code, r.year ORDER BY hz.code))::smallint AS bin_end
  FROM risk_results_wide r
  JOIN risk_sites s ON s.assessment_id = r.assessment_id AND s.site_id = r.site_id
  JOIN risk_scenario_codes sc ON sc.scenario = r.scenario
  JOIN risk_hazard_codes hz ON hz.hazard = r.hazard
  JOIN risk_grade_codes g ON g.grade = r.grade
) old
GROUP BY site_key, scenario, year, model_version;

DO $$
DECLARE
  before bigint := (SELECT count(*) FROM risk_results_wide);
  after bigint := (SELECT coalesce(sum(cardinality(hazards)), 0) FROM risk_cell_results);
BEGIN
  -- A row with a scenario, hazard or grade outside the code tables would have been left out above.
  IF before <> after THEN
    RAISE EXCEPTION 'risk_results: % rows before, % after the move to risk_cell_results', before, after;
  END IF;
END $$;

DROP AGGREGATE pg_temp.concat_float8_arrays(double precision[]);
DROP TABLE risk_results_wide;

-- The old shape, one row per (site, scenario, year, hazard), for readers and ad-hoc queries.
CREATE VIEW risk_results AS
SELECT s.assessment_id, s.site_id, sc.scenario, c.year, hz.hazard, u.h, u.e, u.v,
       c.p_bins[coalesce(c.bin_ends[u.i::int - 1], 0) + 1 : c.bin_ends[u.i::int]] AS p_bins,
       u.base_aal, u.final_aal, u.expected_loss, u.integrated_score, g.grade, c.model_version, c.computed_at
FROM risk_cell_results c
JOIN risk_sites s ON s.site_key = c.site_key
JOIN risk_scenario_codes sc ON sc.code = c.scenario
CROSS JOIN LATERAL unnest(c.hazards, c.h, c.e, c.v, c.base_aal, c.final_aal, c.expected_loss, c.integrated_score, c.grades)
  WITH ORDINALITY AS u(hazard, h, e, v, base_aal, final_aal, expected_loss, integrated_score, grade, i)
JOIN risk_hazard_codes hz ON hz.code = u.hazard
JOIN risk_grade_codes g ON g.code = u.grade;
