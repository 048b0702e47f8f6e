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

type FilterField = Exclude<keyof ResultFilter, 'assessmentId'>;

/**
 * The WHERE clause of a results page on the risk_results view; values are always bound parameters,
 * and `params` names the placeholder each given filter field is bound to.
 */
function where(f: ResultFilter): { sql: string; values: unknown[]; params: Partial<Record<FilterField, string>> } {
  const values: unknown[] = [f.assessmentId];
  const params: Partial<Record<FilterField, string>> = {};
  const clauses = ['assessment_id = $1'];
  const add = (field: FilterField, column: string, op: string) => {
    if (f[field] === undefined) return;
    values.push(f[field]);
    params[field] = `$${values.length}`;
    clauses.push(`${column} ${op} ${params[field]}`);
  };
  add('siteId', 'site_id', '=');
  add('scenario', 'scenario', '=');
  add('hazard', 'hazard', '=');
  add('fromYear', 'year', '>=');
  add('toYear', 'year', '<=');
  return { sql: clauses.join(' AND '), values, params };
}

/**
 * The same filter on the stored cells (`s` risk_sites, `c` risk_cell_results: migration 015),
 * bound to the placeholders `where` gave. A hazard filter keeps the cells that hold that hazard.
 */
function cellWhere(params: Partial<Record<FilterField, string>>): string {
  const clauses = ['s.assessment_id = $1'];
  if (params.siteId) clauses.push(`s.site_id = ${params.siteId}`);
  if (params.scenario) clauses.push(`c.scenario = (SELECT code FROM risk_scenario_codes WHERE scenario = ${params.scenario})`);
  if (params.hazard) clauses.push(`(SELECT code FROM risk_hazard_codes WHERE hazard = ${params.hazard}) = ANY (c.hazards)`);
  if (params.fromYear) clauses.push(`c.year >= ${params.fromYear}`);
  if (params.toYear) clauses.push(`c.year <= ${params.toYear}`);
  return clauses.join(' AND ');
}

const CELLS_OF_SITES = 'risk_sites s JOIN risk_cell_results c ON c.site_key = s.site_key';

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

/**
 * A page of results and the total. The total is counted on the stored cells, not as a window over
 * the page query: a window would make the view unnest every result of the assessment (2.88 M for
 * 1,000 sites) before the first page, where the page alone stops after `offset + limit` rows (the
 * sites come in order from their index, and each site's rows are sorted on their own).
 */
export async function findResults(db: Queryable, filter: ResultFilter, page: { limit: number; offset: number }): Promise<{ total: number; rows: ResultRow[] }> {
  const w = where(filter);
  const n = w.values.length;
  const { rows } = await db.query(
    // A cell holds each hazard once: with a hazard filter a matching cell is one result, else all of its hazards.
    `WITH total AS (SELECT ${filter.hazard === undefined ? 'coalesce(sum(cardinality(c.hazards)), 0)' : 'count(*)'}::int AS n
                    FROM ${CELLS_OF_SITES} WHERE ${cellWhere(w.params)}),
     page AS (SELECT ${RESULT_COLUMNS} FROM risk_results WHERE ${w.sql}
              ORDER BY site_id, scenario, year, hazard LIMIT $${n + 1} OFFSET $${n + 2})
     -- The total comes on a row of its own when the page is past the end.
     SELECT page.*, total.n AS total FROM total LEFT JOIN page ON true
     ORDER BY page.site_id, page.scenario, page.year, page.hazard`,
    [...w.values, page.limit, page.offset],
  );
  return { total: rows[0].total, rows: rows.filter((r) => r.site_id !== null).map(toResultRow) };
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
 * `summarizeCell` (one definition), so this returns rows, not aggregates. Cells are the stored
 * rows themselves, so the page is found without unnesting any hazard, and the total is counted
 * apart (a window over the page query would carry every cell of the assessment through the sort).
 */
export async function findCellPage(db: Queryable, filter: ResultFilter, page: { limit: number; offset: number }): Promise<{ total: number; cells: CellRows[] }> {
  const w = where(filter);
  const n = w.values.length;
  const { rows } = await db.query(
    `WITH total AS (SELECT count(*)::int AS n FROM ${CELLS_OF_SITES} WHERE ${cellWhere(w.params)}),
     cells AS (
       SELECT s.site_id, sc.scenario, c.year, c.hazards, c.final_aal, c.expected_loss, c.integrated_score
       FROM ${CELLS_OF_SITES} JOIN risk_scenario_codes sc ON sc.code = c.scenario
       WHERE ${cellWhere(w.params)}
       ORDER BY s.site_id, sc.scenario, c.year LIMIT $${n + 1} OFFSET $${n + 2})
     SELECT c.site_id, c.scenario, c.year, total.n AS total, hz.hazard, u.final_aal, u.expected_loss, u.integrated_score
     FROM total
     -- The total comes on a row of its own when the page is past the end.
     LEFT JOIN (cells c
       CROSS JOIN LATERAL unnest(c.hazards, c.final_aal, c.expected_loss, c.integrated_score) AS u(hazard, final_aal, expected_loss, integrated_score)
       JOIN risk_hazard_codes hz ON hz.code = u.hazard ${w.params.hazard ? `AND hz.hazard = ${w.params.hazard}` : ''}) ON true
     ORDER BY c.site_id, c.scenario, c.year, hz.hazard`,
    [...w.values, page.limit, page.offset],
  );
  const cells: CellRows[] = [];
  for (const r of rows.filter((x) => x.site_id !== null)) {
    let cell = cells.at(-1);
    if (!cell || cell.siteId !== r.site_id || cell.scenario !== r.scenario || cell.year !== r.year) {
      cells.push((cell = { siteId: r.site_id, scenario: r.scenario, year: r.year, results: [] }));
    }
    cell.results.push({ hazard: r.hazard, finalAal: r.final_aal, expectedLoss: r.expected_loss, integratedScore: r.integrated_score });
  }
  return { total: rows[0].total, cells };
}
