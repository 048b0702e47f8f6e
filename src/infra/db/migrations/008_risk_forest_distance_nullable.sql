-- A reference dataset need not have a distance to forest per grid point: NULL means "not given",
-- and wildfire exposure then estimates it from the point's land cover (docs/risk-model.md,
-- "Derived attributes"). The CHECK (>= 0) still applies to every value that is given.
ALTER TABLE risk_grid_points ALTER COLUMN forest_distance_m DROP NOT NULL;
