import type { Hazard } from '../../../domain/risk/types';
import type { Queryable } from '../../db/queryable';

/** Read side of site assessments, for the API. */

export interface SiteStatusRow {
  siteId: string;
  name: string | null;
  status: string;
  error: string | null;
  gridId: number | null;
  gridDistanceKm: number | null;
  completedCells: number;
  failedCells: number;
}

export async function siteStatuses(db: Queryable, assessmentId: string, limit: number): Promise<SiteStatusRow[]> {
  // Sites first, then each one's cells: the view is polled while a 1,000-site portfolio runs, so
  // it must not aggregate every cell of the assessment to show the first few sites. A COMPLETED
  // site has every cell of the assessment's grid completed (finishSite says so only then), so its
  // cells are not read at all: the lateral's condition on the site alone is a one-time filter.
  const { rows } = await db.query(
    `SELECT s.site_id, s.name, s.status, s.error, s.grid_id, s.grid_distance_km,
            CASE WHEN s.status = 'COMPLETED' THEN cardinality(a.scenarios) * (a.year_to - a.year_from + 1) ELSE c.completed END AS completed,
            c.failed
     FROM risk_assessments a
     CROSS JOIN LATERAL (SELECT * FROM risk_sites WHERE assessment_id = a.id ORDER BY ordinal LIMIT $2) s
     CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
       FROM risk_cells c WHERE s.status <> 'COMPLETED' AND c.assessment_id = s.assessment_id AND c.site_id = s.site_id) c
     WHERE a.id = $1
     ORDER BY s.ordinal`,
    [assessmentId, limit],
  );
  return rows.map((r) => ({
    siteId: r.site_id,
    name: r.name,
    status: r.status,
    error: r.error,
    gridId: r.grid_id === null ? null : Number(r.grid_id),
    gridDistanceKm: r.grid_distance_km,
    completedCells: r.completed,
    failedCells: r.failed,
  }));
}

export async function cellCounts(db: Queryable, assessmentId: string): Promise<{ completedCells: number; failedCells: number }> {
  const { rows } = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
     FROM risk_cells WHERE assessment_id = $1`,
    [assessmentId],
  );
  return { completedCells: rows[0].completed, failedCells: rows[0].failed };
}

export interface ResultFilter {
  assessmentId: string;
  siteId?: string;
  scenario?: string;
  hazard?: string;
  fromYear?: number;
  toYear?: number;
}

/** The WHERE clause shared by results and summaries, on `table`'s columns; values are always bound parameters. */
function where(f: ResultFilter, table = 'risk_results'): { sql: string; values: unknown[] } {
  const values: unknown[] = [f.assessmentId];
  const clauses = [`${table}.assessment_id = $1`];
  const add = (column: string, op: string, value: unknown) => {
    if (value === undefined) return;
    values.push(value);
    clauses.push(`${table}.${column} ${op} $${values.length}`);
  };
  add('site_id', '=', f.siteId);
  add('scenario', '=', f.scenario);
  add('hazard', '=', f.hazard);
  add('year', '>=', f.fromYear);
  add('year', '<=', f.toYear);
  return { sql: clauses.join(' AND '), values };
}

export interface ResultRow {
  siteId: string;
  scenario: string;
  year: number;
  hazard: string;
  h: number;
  e: number;
  v: number;
  pBins: number[];
  baseAal: number;
  finalAal: number;
  expectedLoss: number;
  integratedScore: number;
  grade: string;
  modelVersion: string;
  computedAt: string;
}

const RESULT_COLUMNS = 'site_id, scenario, year, hazard, h, e, v, p_bins, base_aal, final_aal, expected_loss, integrated_score, grade, model_version, computed_at';

function toResultRow(r: Record<string, any>): ResultRow {
  return {
    siteId: r.site_id,
    scenario: r.scenario,
    year: r.year,
    hazard: r.hazard,
    h: r.h,
    e: r.e,
    v: r.v,
    pBins: r.p_bins,
    baseAal: r.base_aal,
    finalAal: r.final_aal,
    expectedLoss: r.expected_loss,
    integratedScore: r.integrated_score,
    grade: r.grade,
    modelVersion: r.model_version,
    computedAt: (r.computed_at as Date).toISOString(),
  };
}

export async function findResults(db: Queryable, filter: ResultFilter, page: { limit: number; offset: number }): Promise<{ total: number; rows: ResultRow[] }> {
  const w = where(filter);
  const n = w.values.length;
  const { rows } = await db.query(
    `SELECT ${RESULT_COLUMNS}, count(*) OVER ()::int AS total
     FROM risk_results WHERE ${w.sql}
     ORDER BY site_id, scenario, year, hazard LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...w.values, page.limit, page.offset],
  );
  return { total: rows[0]?.total ?? 0, rows: rows.map(toResultRow) };
}

/** One stored result by its natural key, at full precision. */
export async function findResult(db: Queryable, key: { assessmentId: string; siteId: string; scenario: string; year: number; hazard: string }): Promise<ResultRow | undefined> {
  const { rows } = await db.query(
    `SELECT ${RESULT_COLUMNS} FROM risk_results WHERE assessment_id = $1 AND site_id = $2 AND scenario = $3 AND year = $4 AND hazard = $5`,
    [key.assessmentId, key.siteId, key.scenario, key.year, key.hazard],
  );
  return rows[0] && toResultRow(rows[0]);
}

/** A (site, scenario, year) cell with the stored numbers a summary reads, hazard by hazard. */
export interface CellRows {
  siteId: string;
  scenario: string;
  year: number;
  results: Array<{ hazard: Hazard; finalAal: number; expectedLoss: number; integratedScore: number }>;
}

/**
 * A page of cells and each cell's hazard rows, for summaries. The summary itself is the domain's
 * `summarizeCell` (one definition), so this returns rows, not aggregates.
 */
export async function findCellPage(db: Queryable, filter: ResultFilter, page: { limit: number; offset: number }): Promise<{ total: number; cells: CellRows[] }> {
  const w = where(filter);
  const n = w.values.length;
  const { rows } = await db.query(
    `WITH cells AS (
       SELECT site_id, scenario, year, count(*) OVER ()::int AS total
       FROM risk_results WHERE ${w.sql}
       GROUP BY site_id, scenario, year
       ORDER BY site_id, scenario, year LIMIT $${n + 1} OFFSET $${n + 2})
     SELECT c.site_id, c.scenario, c.year, c.total, r.hazard, r.final_aal, r.expected_loss, r.integrated_score
     FROM cells c JOIN risk_results r USING (site_id, scenario, year)
     WHERE ${where(filter, 'r').sql}
     ORDER BY c.site_id, c.scenario, c.year`,
    [...w.values, page.limit, page.offset],
  );
  const cells: CellRows[] = [];
  for (const r of rows) {
    let cell = cells.at(-1);
    if (!cell || cell.siteId !== r.site_id || cell.scenario !== r.scenario || cell.year !== r.year) {
      cells.push((cell = { siteId: r.site_id, scenario: r.scenario, year: r.year, results: [] }));
    }
    cell.results.push({ hazard: r.hazard, finalAal: r.final_aal, expectedLoss: r.expected_loss, integratedScore: r.integrated_score });
  }
  return { total: rows[0]?.total ?? 0, cells };
}
