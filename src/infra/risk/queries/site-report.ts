import type { Queryable } from '../../db/queryable';

/** Read side of one assessment's sites for reports: a page of sites at one (scenario, year), and one site's yearly series. */

export interface SiteTotalsRow {
  siteId: string;
  name: string | null;
  latitude: number;
  longitude: number;
  status: string;
  gridDistanceKm: number | null;
  /** Null until the site's cell for this scenario and year is stored. */
  totals: { finalAal: number; expectedLoss: number; maxIntegratedScore: number; grade: string; topHazards: string[] } | null;
}

/**
 * Sites in request order with their totals across hazards at one scenario and year. Each site's
 * nine rows are one index descent (the lateral join), so a page of 1,000 sites reads 9,000 rows
 * instead of scanning the assessment's 2.88 million.
 */
export async function siteTotalsPage(
  db: Queryable,
  assessmentId: string,
  at: { scenario: string; year: number },
  page: { limit: number; offset: number },
): Promise<SiteTotalsRow[]> {
  const { rows } = await db.query(
    `SELECT s.site_id, s.name, s.latitude, s.longitude, s.status, s.grid_distance_km,
            r.final_aal, r.expected_loss, r.max_score, r.grade, r.top_hazards
     FROM (SELECT * FROM risk_sites WHERE assessment_id = $1 ORDER BY ordinal LIMIT $4 OFFSET $5) s
     LEFT JOIN LATERAL (
       SELECT sum(final_aal) AS final_aal, sum(expected_loss) AS expected_loss, max(integrated_score) AS max_score,
              -- grades rise with final AAL, so the hazard with the highest final AAL has the worst grade
              (array_agg(grade ORDER BY final_aal DESC, hazard))[1] AS grade,
              (array_agg(hazard ORDER BY final_aal DESC, hazard))[1:3] AS top_hazards, count(*) AS n
       FROM risk_results r
       WHERE r.assessment_id = s.assessment_id AND r.site_id = s.site_id AND r.scenario = $2 AND r.year = $3) r ON true
     ORDER BY s.ordinal`,
    [assessmentId, at.scenario, at.year, page.limit, page.offset],
  );
  return rows.map((r) => ({
    siteId: r.site_id,
    name: r.name,
    latitude: r.latitude,
    longitude: r.longitude,
    status: r.status,
    gridDistanceKm: r.grid_distance_km,
    totals:
      r.final_aal === null
        ? null
        : { finalAal: r.final_aal, expectedLoss: r.expected_loss, maxIntegratedScore: r.max_score, grade: r.grade, topHazards: r.top_hazards },
  }));
}

export interface SiteDetailRow {
  siteId: string;
  name: string | null;
  latitude: number;
  longitude: number;
  building: Record<string, unknown>;
  assetValue: number;
  insuranceRate: number;
  status: string;
  error: string | null;
  gridPoint: { id: number; latitude: number; longitude: number; distanceKm: number; source: string } | null;
  completedCells: number;
  failedCells: number;
}

export async function findSiteDetail(db: Queryable, assessmentId: string, siteId: string): Promise<SiteDetailRow | undefined> {
  const { rows } = await db.query(
    `SELECT s.site_id, s.name, s.latitude, s.longitude, s.building, s.asset_value, s.insurance_rate, s.status, s.error,
            s.grid_id, s.grid_distance_km, g.latitude AS grid_latitude, g.longitude AS grid_longitude, g.source AS grid_source, c.completed, c.failed
     FROM risk_sites s
     LEFT JOIN risk_grid_points g ON g.id = s.grid_id
     CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
                         FROM risk_cells c WHERE c.assessment_id = s.assessment_id AND c.site_id = s.site_id) c
     WHERE s.assessment_id = $1 AND s.site_id = $2`,
    [assessmentId, siteId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    siteId: r.site_id,
    name: r.name,
    latitude: r.latitude,
    longitude: r.longitude,
    building: r.building,
    assetValue: r.asset_value,
    insuranceRate: r.insurance_rate,
    status: r.status,
    error: r.error,
    gridPoint:
      r.grid_id === null || r.grid_latitude === null
        ? null
        : { id: Number(r.grid_id), latitude: r.grid_latitude, longitude: r.grid_longitude, distanceKm: r.grid_distance_km, source: r.grid_source },
    completedCells: r.completed,
    failedCells: r.failed,
  };
}

export interface SiteSeriesRow {
  scenario: string;
  hazard: string;
  years: number[];
  finalAal: number[];
  expectedLoss: number[];
  integratedScore: number[];
  grade: string[];
}

/** One row per (scenario, hazard) with its stored years in order: 36 rows for a full site instead of 2,880. */
export async function siteSeries(db: Queryable, assessmentId: string, siteId: string): Promise<SiteSeriesRow[]> {
  const { rows } = await db.query(
    `SELECT scenario, hazard, array_agg(year ORDER BY year) AS years, array_agg(final_aal ORDER BY year) AS final_aal,
            array_agg(expected_loss ORDER BY year) AS expected_loss, array_agg(integrated_score ORDER BY year) AS score,
            array_agg(grade ORDER BY year) AS grade
     FROM risk_results WHERE assessment_id = $1 AND site_id = $2
     GROUP BY scenario, hazard ORDER BY scenario, hazard`,
    [assessmentId, siteId],
  );
  return rows.map((r) => ({
    scenario: r.scenario,
    hazard: r.hazard,
    years: r.years,
    finalAal: r.final_aal,
    expectedLoss: r.expected_loss,
    integratedScore: r.score,
    grade: r.grade,
  }));
}
