import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { computeScenarioCells, DEFAULT_CELL_OPTIONS, type GridHazardResult, type SiteCellResult } from '../../domain/risk/cell';
import { HAZARD_MODEL_VERSION, MODEL_VERSION, REUSABLE_HAZARD_MODEL_VERSIONS } from '../../domain/risk/model-version';
import { HAZARDS, type GridStatic, type HazardResult, type Scenario, type SiteInputs, type YearIndicators } from '../../domain/risk/types';
import { withTransaction } from '../../infra/db/pool';
import * as assessments from '../../infra/risk/queries/assessments';
import { loadGridResults, upsertGridResults } from '../../infra/risk/queries/grid-batch';
import { findNearestGridPoints, loadSiteInputs } from '../../infra/risk/queries/reference';
import { LruCache } from '../../infra/cache/lru';
import type { Logger } from '../../infra/logger';
import { FAILURE_TYPES, knownFailure } from '../shared/failure-types';
import { timed } from './phase-timings';

export interface SiteRef {
  assessmentId: string;
  siteId: string;
}

export interface CellGroupInput extends SiteRef {
  scenario: Scenario;
  years: number[];
  windowYears: number;
}

export interface CellGroupOutcome {
  completed: number;
  failed: number;
}

type ReferenceSeries = { grid: GridStatic; series: Record<Scenario, YearIndicators[]> };

/**
 * Side effects of site assessments. Inputs are read from PostgreSQL inside the activities
 * (workflows only pass ids), and each worker keeps recently used grid series in memory.
 */
export function createRiskActivities(deps: { pool: Pool; logger: Logger; maxGridDistanceKm: number }) {
  const { pool } = deps;
  const referenceCache = new LruCache<number, ReferenceSeries>(256);
  const reference = (gridId: number) => referenceCache.getOrLoad(gridId, () => loadSiteInputs(pool, gridId));

  async function siteInputs(ref: SiteRef): Promise<{ gridId: number; inputs: SiteInputs }> {
    const site = await assessments.findSite(pool, ref.assessmentId, ref.siteId);
    if (!site) throw knownFailure(FAILURE_TYPES.badData, `site ${ref.siteId} of ${ref.assessmentId} does not exist`);
    if (site.gridId === null) throw knownFailure(FAILURE_TYPES.badData, `site ${ref.siteId} has no grid point yet`);
    return { gridId: site.gridId, inputs: { site: site.profile, ...(await reference(site.gridId)) } };
  }

  const gridPart = ({ hazard, h, pBins, baseAal }: HazardResult): GridHazardResult => ({ hazard, h, pBins, baseAal });

  /**
   * Stored H and P(H) of the site's grid point, by year, in one query. Only rows whose label holds
   * today's hazard rules are taken (every reusable label stands for the same rules, so a year may
   * mix them); rows of any other label are recomputed and overwritten, so nothing from an older
   * hazard model reaches a result of this model.
   */
  const loadStoredGridResults = (query: { gridId: number; scenario: Scenario; years: readonly number[]; windowYears: number }) =>
    loadGridResults(pool, { ...query, modelVersions: REUSABLE_HAZARD_MODEL_VERSIONS, hazards: HAZARDS });

  /**
   * The same, remembered per (grid point, scenario, window) in this worker. A portfolio puts many
   * sites on one grid point, and reading its 720 rows (bins as text arrays) cost as much as
   * writing a site's results. Caching cannot serve a stale value: H and P(H) of a point depend
   * only on the point, the window and the hazard rules, and every label this code reuses stands
   * for today's rules, so any rewrite of a cached row stores the same numbers; new rules mean new
   * code, hence a new worker with an empty cache.
   */
  const gridResultsCache = new Map<string, Map<number, GridHazardResult[]>>();
  const GRID_RESULTS_CACHED = 256;
  const gridResultsKey = (q: { gridId: number; scenario: Scenario; windowYears: number }) => `${q.gridId}/${q.scenario}/${q.windowYears}`;
  function rememberGridResults(q: { gridId: number; scenario: Scenario; windowYears: number }, byYear: ReadonlyMap<number, GridHazardResult[]>): void {
    const key = gridResultsKey(q);
    const entry = gridResultsCache.get(key) ?? new Map<number, GridHazardResult[]>();
    for (const [year, results] of byYear) entry.set(year, results);
    gridResultsCache.delete(key); // re-inserted last: the least recently used entry is the first one
    gridResultsCache.set(key, entry);
    if (gridResultsCache.size > GRID_RESULTS_CACHED) gridResultsCache.delete(gridResultsCache.keys().next().value as string);
  }
  async function storedGridResults(q: { gridId: number; scenario: Scenario; years: readonly number[]; windowYears: number }): Promise<Map<number, GridHazardResult[]>> {
    const cached = gridResultsCache.get(gridResultsKey(q));
    const missing = q.years.filter((year) => !cached?.has(year));
    const loaded = missing.length > 0 ? await loadStoredGridResults({ ...q, years: missing }) : new Map<number, GridHazardResult[]>();
    if (loaded.size > 0) rememberGridResults(q, loaded);
    const found = new Map<number, GridHazardResult[]>();
    for (const year of q.years) {
      const results = cached?.get(year) ?? loaded.get(year);
      if (results) found.set(year, results);
    }
    return found;
  }

  return {
    /** Resolves the site's grid point (one nearest-grid rule, with a distance limit) and checks its series load. */
    prepareSite: async (ref: SiteRef): Promise<{ gridId: number; distanceKm: number }> => {
      const site = await assessments.findSite(pool, ref.assessmentId, ref.siteId);
      if (!site) throw knownFailure(FAILURE_TYPES.badData, `site ${ref.siteId} of ${ref.assessmentId} does not exist`);
      const [nearest] = await findNearestGridPoints(pool, [site.profile]);
      if (!nearest || nearest.distanceKm > deps.maxGridDistanceKm) {
        const where = nearest ? `${nearest.distanceKm.toFixed(1)} km` : 'no grid loaded';
        throw knownFailure(
          FAILURE_TYPES.outsideCoverage,
          `site ${ref.siteId} is outside the reference grid (nearest point: ${where}, limit ${deps.maxGridDistanceKm} km)`,
        );
      }
      await reference(nearest.gridId);
      await assessments.setSiteGrid(pool, ref.assessmentId, ref.siteId, nearest.gridId, nearest.distanceKm);
      return nearest;
    },

    /**
     * Computes one group of cells and stores them (nine hazard rows + a status per cell) in one
     * transaction, then heartbeats. H and P(H) come from the grid batch when it has them for this
     * grid point and window; otherwise they are computed here and stored for the next site. A
     * retry skips cells already committed, so nothing is computed into a duplicate.
     */
    computeCellGroup: async (input: CellGroupInput): Promise<CellGroupOutcome> => {
      const ctx = Context.current();
      const { todo, gridId, inputs, precomputed } = await timed('read', async () => {
        const done = await assessments.completedYears(pool, input.assessmentId, input.siteId, input.scenario, input.years);
        const years = input.years.filter((year) => !done.has(year));
        const site = await siteInputs(input);
        const stored = await storedGridResults({ gridId: site.gridId, scenario: input.scenario, years, windowYears: input.windowYears });
        return { todo: years, ...site, precomputed: stored };
      });
      const options = { ...DEFAULT_CELL_OPTIONS, windowYears: input.windowYears };
      const cells = await timed('compute', () => computeScenarioCells(inputs, input.scenario, todo, options, precomputed));
      const computed = cells.filter((c): c is SiteCellResult => 'results' in c);
      const fresh = computed.filter((c) => !precomputed.has(c.year));
      if (fresh.length > 0) {
        await timed('write-grid', async () => {
          await upsertGridResults(pool, { writer: `site:${input.assessmentId}`, windowYears: input.windowYears, modelVersion: HAZARD_MODEL_VERSION }, [
            { gridId, cells: fresh.map((c) => ({ scenario: c.scenario, year: c.year, results: c.results.map(gridPart) })) },
          ]);
          rememberGridResults({ gridId, ...input }, new Map(fresh.map((c) => [c.year, c.results.map(gridPart)])));
        });
      }
      await timed('write', async () => {
        await withTransaction(pool, (tx) => assessments.replaceCellsResults(tx, input, computed, MODEL_VERSION, ctx.info.attempt));
        // Bad data in one year cannot heal on retry: record those cells and keep the rest.
        for (const cell of cells) {
          if ('error' in cell) await assessments.markCellsFailed(pool, { ...input, years: [cell.year] }, cell.error.message, ctx.info.attempt);
        }
      });
      ctx.heartbeat(todo.length);
      const failed = cells.length - computed.length;
      return { completed: input.years.length - failed, failed };
    },

    markCellsFailed: async (input: SiteRef & { scenario: Scenario; years: number[]; error: string; attempts: number }) => {
      await assessments.markCellsFailed(pool, input, input.error, input.attempts);
    },

    incompleteCellsOfSite: async (ref: SiteRef) => assessments.incompleteCellsOfSite(pool, ref.assessmentId, ref.siteId),

    finishSite: async (input: SiteRef & { expectedCells: number; canceled?: boolean; error?: string }) =>
      assessments.finishSite(pool, input.assessmentId, input.siteId, input.expectedCells, input),

    listSitePage: async (input: { assessmentId: string; afterOrdinal: number; limit: number; onlyWithFailures: boolean }) =>
      assessments.listSitePage(pool, input.assessmentId, input.afterOrdinal, input.limit, input.onlyWithFailures),

    finishAssessment: async (input: { assessmentId: string; status: string; error?: string }) => {
      await assessments.finishAssessment(pool, input.assessmentId, input.status, input.error);
    },
  };
}

export type RiskActivities = ReturnType<typeof createRiskActivities>;
