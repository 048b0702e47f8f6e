import type { Building, HazardResult, Scenario, SiteProfile } from '../../../domain/risk/types';
import type { PoolClient } from 'pg';
import { BinaryCopyRows, copyBinaryInto } from '../../db/copy-binary';
import type { Queryable } from '../../db/queryable';
import { GRADE_CODES, HAZARD_CODES, SCENARIO_CODES } from './result-codes';

/** Every SQL statement of site assessments, by name. Writes are upserts on natural keys. */

export interface NewSite {
  id: string;
  name?: string;
  latitude: number;
  longitude: number;
  building: Building;
  asset: { value: number; insuranceRate: number };
}

export interface NewAssessment {
  id: string;
  scenarios: readonly Scenario[];
  yearFrom: number;
  yearTo: number;
  siteCount: number;
}

/** Stores the request once: false (and nothing written) when an assessment with this id exists. */
export async function insertAssessment(db: Queryable, a: NewAssessment): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO risk_assessments (id, scenarios, year_from, year_to, site_count, workflow_id)
     VALUES ($1, $2, $3, $4, $5, $1) ON CONFLICT (id) DO NOTHING`,
    [a.id, a.scenarios, a.yearFrom, a.yearTo, a.siteCount],
  );
  return rowCount === 1;
}

/** The sites of a new assessment, in request order (their ordinal); the caller inserts them in the assessment's transaction. */
export async function insertSites(db: Queryable, assessmentId: string, sites: readonly NewSite[]): Promise<void> {
  await db.query(
    `INSERT INTO risk_sites (assessment_id, site_id, ordinal, name, latitude, longitude, building, asset_value, insurance_rate)
     SELECT $1, s.site_id, s.ordinal, s.name, s.latitude, s.longitude, s.building, s.asset_value, s.insurance_rate
     FROM unnest($2::text[], $3::int[], $4::text[], $5::float8[], $6::float8[], $7::jsonb[], $8::float8[], $9::float8[])
       AS s(site_id, ordinal, name, latitude, longitude, building, asset_value, insurance_rate)
     ON CONFLICT (assessment_id, site_id) DO NOTHING`,
    [
      assessmentId,
      sites.map((s) => s.id),
      sites.map((_, i) => i),
      sites.map((s) => s.name ?? null),
      sites.map((s) => s.latitude),
      sites.map((s) => s.longitude),
      sites.map((s) => JSON.stringify(s.building)),
      sites.map((s) => s.asset.value),
      sites.map((s) => s.asset.insuranceRate),
    ],
  );
}

export interface Assessment {
  id: string;
  scenarios: Scenario[];
  yearFrom: number;
  yearTo: number;
  siteCount: number;
  status: string;
  retryRuns: number;
  /** The latest run: the assessment itself (`id`) or its newest retry (`<id>-retry-<n>`). */
  workflowId: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const ASSESSMENT_COLUMNS = `id, scenarios, year_from AS "yearFrom", year_to AS "yearTo", site_count AS "siteCount", status,
  retry_runs AS "retryRuns", workflow_id AS "workflowId", error, created_at AS "createdAt", finished_at AS "finishedAt"`;

export async function findAssessment(db: Queryable, id: string): Promise<Assessment | undefined> {
  const { rows } = await db.query<Assessment>(`SELECT ${ASSESSMENT_COLUMNS} FROM risk_assessments WHERE id = $1`, [id]);
  return rows[0];
}

/**
 * Claims the next retry run number and points the assessment at that run's workflow, provided
 * its latest run is still `currentWorkflowId`: of two concurrent retry requests only one starts a
 * run. Returns the updated assessment, or undefined when another request got there first.
 */
export async function startRetryRun(db: Queryable, id: string, currentWorkflowId: string): Promise<Assessment | undefined> {
  const { rows } = await db.query<Assessment>(
    `UPDATE risk_assessments
     SET retry_runs = retry_runs + 1, workflow_id = id || '-retry-' || (retry_runs + 1), status = 'RUNNING', finished_at = NULL
     WHERE id = $1 AND workflow_id = $2 RETURNING ${ASSESSMENT_COLUMNS}`,
    [id, currentWorkflowId],
  );
  return rows[0];
}

export async function finishAssessment(db: Queryable, id: string, status: string, error?: string): Promise<void> {
  await db.query(`UPDATE risk_assessments SET status = $2, error = $3, finished_at = now() WHERE id = $1`, [id, status, error ?? null]);
  if (status === 'CANCELED') {
    await db.query(`UPDATE risk_sites SET status = 'CANCELED', updated_at = now() WHERE assessment_id = $1 AND status IN ('PENDING', 'RUNNING')`, [id]);
  }
}

export interface SiteRef {
  siteId: string;
  ordinal: number;
}

/** Sites in request order after `afterOrdinal`; with `onlyWithFailures`, only sites that have failed cells or failed outright. */
export async function listSitePage(db: Queryable, assessmentId: string, afterOrdinal: number, limit: number, onlyWithFailures: boolean): Promise<SiteRef[]> {
  const { rows } = await db.query<{ site_id: string; ordinal: number }>(
    `SELECT s.site_id, s.ordinal FROM risk_sites s
     WHERE s.assessment_id = $1 AND s.ordinal > $2
       AND (NOT $4 OR s.status IN ('FAILED', 'PARTIAL', 'CANCELED', 'PENDING')
            OR EXISTS (SELECT 1 FROM risk_cells c WHERE c.assessment_id = s.assessment_id AND c.site_id = s.site_id AND c.status = 'FAILED'))
     ORDER BY s.ordinal LIMIT $3`,
    [assessmentId, afterOrdinal, limit, onlyWithFailures],
  );
  return rows.map((r) => ({ siteId: r.site_id, ordinal: r.ordinal }));
}

export interface StoredSite {
  profile: SiteProfile;
  gridId: number | null;
  gridDistanceKm: number | null;
}

export async function findSite(db: Queryable, assessmentId: string, siteId: string): Promise<StoredSite | undefined> {
  const { rows } = await db.query(
    `SELECT latitude, longitude, building, asset_value, insurance_rate, grid_id, grid_distance_km FROM risk_sites WHERE assessment_id = $1 AND site_id = $2`,
    [assessmentId, siteId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    profile: { latitude: r.latitude, longitude: r.longitude, building: r.building, asset: { value: r.asset_value, insuranceRate: r.insurance_rate } },
    gridId: r.grid_id === null ? null : Number(r.grid_id),
    gridDistanceKm: r.grid_distance_km,
  };
}

export async function setSiteGrid(db: Queryable, assessmentId: string, siteId: string, gridId: number, distanceKm: number): Promise<void> {
  await db.query(
    `UPDATE risk_sites SET grid_id = $3, grid_distance_km = $4, status = 'RUNNING', error = NULL, updated_at = now() WHERE assessment_id = $1 AND site_id = $2`,
    [assessmentId, siteId, gridId, distanceKm],
  );
}

const CELL_RESULT_COPY_COLUMNS =
  'risk_cell_results (site_key, scenario, year, hazards, h, e, v, base_aal, final_aal, expected_loss, integrated_score, grades, p_bins, bin_ends, model_version)';

/** One cell's results as the parallel arrays of a risk_cell_results row (migration 015). */
function addCellRow(rows: BinaryCopyRows, siteKey: number, scenario: number, year: number, results: readonly HazardResult[], modelVersion: string): void {
  const pick = (f: (r: HazardResult) => number) => results.map(f);
  const binEnds: number[] = [];
  let bins = 0;
  for (const r of results) binEnds.push((bins += r.pBins.length));
  rows.row(15).int8(siteKey).int2(scenario).int2(year).int2Array(pick((r) => HAZARD_CODES[r.hazard]));
  rows.float8Array(pick((r) => r.h)).float8Array(pick((r) => r.e)).float8Array(pick((r) => r.v));
  rows.float8Array(pick((r) => r.baseAal)).float8Array(pick((r) => r.finalAal)).float8Array(pick((r) => r.expectedLoss)).float8Array(pick((r) => r.integratedScore));
  rows.int2Array(pick((r) => GRADE_CODES[r.grade])).float8Array(results.flatMap((r) => r.pBins)).int2Array(binEnds).text(modelVersion);
}

/**
 * Some cells of one (site, scenario): one row per cell holding its hazards' results, and a
 * COMPLETED status; the caller wraps it in a transaction. The rows go in with a binary COPY,
 * which spares the server the per-row conflict checks of an INSERT … ON CONFLICT; the write
 * stays idempotent because the cells' earlier rows (a retry's, or a re-run's) are deleted first
 * in the same transaction. A lock on the (assessment, site, scenario) makes a second writer of
 * the same cells (an attempt that timed out but still runs) wait for the first and then replace
 * its rows, where a plain insert would fail on the primary key.
 */
export async function replaceCellsResults(
  client: PoolClient,
  target: { assessmentId: string; siteId: string; scenario: Scenario },
  cells: ReadonlyArray<{ year: number; results: readonly HazardResult[] }>,
  modelVersion: string,
  attempt: number,
): Promise<void> {
  if (cells.length === 0) return;
  const years = cells.map((c) => c.year);
  const scenario = SCENARIO_CODES[target.scenario];
  const { rows: found } = await client.query<{ site_key: string }>(
    `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), (SELECT site_key FROM risk_sites WHERE assessment_id = $2 AND site_id = $3)`,
    [`risk_results/${target.assessmentId}/${target.siteId}/${target.scenario}`, target.assessmentId, target.siteId],
  );
  if (found[0].site_key === null) throw new Error(`site ${target.siteId} of ${target.assessmentId} does not exist`);
  const siteKey = Number(found[0].site_key);
  await client.query(`DELETE FROM risk_cell_results WHERE site_key = $1 AND scenario = $2 AND year = ANY($3::smallint[])`, [siteKey, scenario, years]);
  const rows = new BinaryCopyRows();
  for (const cell of cells) addCellRow(rows, siteKey, scenario, cell.year, cell.results, modelVersion);
  await copyBinaryInto(client, CELL_RESULT_COPY_COLUMNS, rows);
  await client.query(
    `INSERT INTO risk_cells (assessment_id, site_id, scenario, year, status, attempts)
     SELECT $1, $2, $3, y, 'COMPLETED', $5 FROM unnest($4::smallint[]) AS y
     ON CONFLICT (assessment_id, site_id, scenario, year) DO UPDATE SET status = 'COMPLETED', attempts = EXCLUDED.attempts, error = NULL, updated_at = now()`,
    [target.assessmentId, target.siteId, target.scenario, years, attempt],
  );
}

/** Records cells that could not be computed; a cell that completed meanwhile stays completed. */
export async function markCellsFailed(db: Queryable, cells: { assessmentId: string; siteId: string; scenario: Scenario; years: readonly number[] }, error: string, attempts: number): Promise<void> {
  await db.query(
    `INSERT INTO risk_cells (assessment_id, site_id, scenario, year, status, attempts, error)
     SELECT $1, $2, $3, y, 'FAILED', $5, $6 FROM unnest($4::smallint[]) AS y
     ON CONFLICT (assessment_id, site_id, scenario, year) DO UPDATE
       SET status = 'FAILED', attempts = EXCLUDED.attempts, error = EXCLUDED.error, updated_at = now()
       WHERE risk_cells.status <> 'COMPLETED'`,
    [cells.assessmentId, cells.siteId, cells.scenario, cells.years, attempts, error],
  );
}

export async function completedYears(db: Queryable, assessmentId: string, siteId: string, scenario: Scenario, years: readonly number[]): Promise<Set<number>> {
  const { rows } = await db.query<{ year: number }>(
    `SELECT year FROM risk_cells WHERE assessment_id = $1 AND site_id = $2 AND scenario = $3 AND year = ANY($4::smallint[]) AND status = 'COMPLETED'`,
    [assessmentId, siteId, scenario, years],
  );
  return new Set(rows.map((r) => r.year));
}

/** Cells of the assessment's grid (scenarios × years) that are not completed: failed, or never run (e.g. cancelled). */
export async function incompleteCellsOfSite(db: Queryable, assessmentId: string, siteId: string): Promise<Array<{ scenario: Scenario; year: number }>> {
  const { rows } = await db.query<{ scenario: Scenario; year: number }>(
    `SELECT sc AS scenario, y::int AS year
     FROM risk_assessments a, unnest(a.scenarios) AS sc, generate_series(a.year_from::int, a.year_to::int) AS y
     WHERE a.id = $1
       AND NOT EXISTS (SELECT 1 FROM risk_cells c WHERE c.assessment_id = a.id AND c.site_id = $2
                       AND c.scenario = sc AND c.year = y AND c.status = 'COMPLETED')
     ORDER BY sc, y`,
    [assessmentId, siteId],
  );
  return rows;
}

export interface SiteOutcome {
  status: 'COMPLETED' | 'PARTIAL' | 'FAILED' | 'CANCELED';
  completedCells: number;
  failedCells: number;
}

/** Derives the site's status from its cells (expected = scenarios × years) and stores it. */
export async function finishSite(db: Queryable, assessmentId: string, siteId: string, expectedCells: number, opts: { canceled?: boolean; error?: string } = {}): Promise<SiteOutcome> {
  const { rows } = await db.query<{ completed: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
     FROM risk_cells WHERE assessment_id = $1 AND site_id = $2`,
    [assessmentId, siteId],
  );
  const { completed, failed } = rows[0];
  const status: SiteOutcome['status'] =
    completed >= expectedCells ? 'COMPLETED' : opts.canceled ? 'CANCELED' : completed === 0 ? 'FAILED' : 'PARTIAL';
  await db.query(`UPDATE risk_sites SET status = $3, error = COALESCE($4, error), updated_at = now() WHERE assessment_id = $1 AND site_id = $2`, [
    assessmentId,
    siteId,
    status,
    opts.error ?? null,
  ]);
  return { status, completedCells: completed, failedCells: failed };
}
