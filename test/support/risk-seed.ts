import type { Pool } from 'pg';
import { computeGridCells, computeScenarioCells, DEFAULT_CELL_OPTIONS, MODEL_VERSION, type GridHazardResult, type SiteCellResult } from '../../src/domain/risk/cell';
import { SCENARIOS, type Scenario } from '../../src/domain/risk/types';
import { withTransaction } from '../../src/infra/db/pool';
import * as assessments from '../../src/infra/risk/queries/assessments';
import { findNearestGridPoints, loadSiteInputs } from '../../src/infra/risk/queries/reference';
import { Site } from '../../src/api/risk/schemas';

const YEARS = Array.from({ length: 80 }, (_, i) => 2021 + i);

/** Runs `work` over `items` with at most `width` at once. */
async function eachBounded<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/**
 * Stores a finished assessment of every site × 4 scenarios × 80 years × 9 hazards without
 * Temporal, through the statements the API and the risk activities use: the request as the API
 * stores it, each site's grid point as `prepareSite` does, then per (site, scenario) the domain's
 * results written by `replaceCellsResults` and the site closed by `finishSite`, as
 * `computeCellGroup` and the site workflow do. H and P(H) are computed once per grid point and
 * handed to the site computation as precomputed, exactly as after a grid batch. Sites at the same
 * place with the same building share their computed results (the computation is a pure function).
 */
export async function seedCompletedAssessment(pool: Pool, id: string, request: readonly unknown[]): Promise<void> {
  // Validated as the API validates a request, defaults included.
  const sites = Site.array().parse(request);
  await withTransaction(pool, async (tx) => {
    await assessments.insertAssessment(tx, { id, scenarios: SCENARIOS, yearFrom: 2021, yearTo: 2100, siteCount: sites.length });
    await assessments.insertSites(tx, id, sites);
  });
  const nearest = await findNearestGridPoints(pool, sites);
  type GridPart = { point: Awaited<ReturnType<typeof loadSiteInputs>>; cells: Map<Scenario, Map<number, GridHazardResult[]>> };
  const grids = new Map<number, Promise<GridPart>>();
  const gridPart = async (gridId: number): Promise<GridPart> => {
    const point = await loadSiteInputs(pool, gridId);
    const cells = new Map<Scenario, Map<number, GridHazardResult[]>>(SCENARIOS.map((s) => [s, new Map()]));
    for (const cell of computeGridCells(point, SCENARIOS, YEARS, DEFAULT_CELL_OPTIONS)) cells.get(cell.scenario)!.set(cell.year, cell.results);
    return { point, cells };
  };
  const siteCells = new Map<string, ReturnType<typeof computeScenarioCells>[]>();
  const ofGrid = (gridId: number) => grids.get(gridId) ?? grids.set(gridId, gridPart(gridId)).get(gridId)!;
  await eachBounded(
    sites.map((site, i) => ({ site, grid: nearest[i]! })),
    8,
    async ({ site, grid }) => {
      await assessments.setSiteGrid(pool, id, site.id, grid.gridId, grid.distanceKm);
      const profile = { latitude: site.latitude, longitude: site.longitude, building: site.building, asset: site.asset };
      const { point, cells: precomputed } = await ofGrid(grid.gridId);
      // The results are a pure function of the profile and the grid point: sites that share both share them.
      const key = JSON.stringify([grid.gridId, profile]);
      const computed = siteCells.get(key) ?? siteCells.set(key, SCENARIOS.map((scenario) => computeScenarioCells({ site: profile, ...point }, scenario, YEARS, DEFAULT_CELL_OPTIONS, precomputed.get(scenario)))).get(key)!;
      for (const [s, scenario] of SCENARIOS.entries()) {
        const cells = computed[s].filter((c): c is SiteCellResult => 'results' in c);
        await withTransaction(pool, (tx) => assessments.replaceCellsResults(tx, { assessmentId: id, siteId: site.id, scenario }, cells, MODEL_VERSION, 1));
      }
      await assessments.finishSite(pool, id, site.id, SCENARIOS.length * YEARS.length);
    },
  );
}
