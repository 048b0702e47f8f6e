// The work of one site assessment without Temporal: the same SQL and domain code the activities
// run, called in-process. `bench:risk` and `bench:risk-scale` measure the REST path against it.
import { performance } from 'node:perf_hooks';
import { computeScenarioCells, DEFAULT_CELL_OPTIONS, MODEL_VERSION, REUSABLE_HAZARD_MODEL_VERSIONS, type SiteCellResult } from '../src/domain/risk/cell';
import { planCellGroups } from '../src/domain/risk/cell-groups';
import { HAZARDS, SCENARIOS } from '../src/domain/risk/types';
import { withTransaction } from '../src/infra/db/pool';
import * as assessments from '../src/infra/risk/queries/assessments';
import { loadGridResults } from '../src/infra/risk/queries/grid-batch';
import { findNearestGridPoints, loadSiteInputs } from '../src/infra/risk/queries/reference';
import { site } from '../test/support/risk';
import type { TestStack } from '../test/support/stack';

let run = 0;

/** Store the request, find the grid point, then per group of years read batch rows, compute and store; seconds. */
export async function inProcessSite(stack: TestStack): Promise<number> {
  run += 1;
  const id = `inproc-${Date.now()}-${run}`;
  const s = site('solo', 0);
  const started = performance.now();
  await withTransaction(stack.pool, async (tx) => {
    await assessments.insertAssessment(tx, { id, scenarios: [...SCENARIOS], yearFrom: 2021, yearTo: 2100, siteCount: 1 });
    await assessments.insertSites(tx, id, [s as never]);
  });
  const [nearest] = await findNearestGridPoints(stack.pool, [s]);
  await assessments.setSiteGrid(stack.pool, id, 'solo', nearest!.gridId, nearest!.distanceKm);
  const stored = await assessments.findSite(stack.pool, id, 'solo');
  const inputs = { site: stored!.profile, ...(await loadSiteInputs(stack.pool, nearest!.gridId)) };
  const { yearsPerActivity, windowYears } = stack.config.pipelines.risk.assessment;
  for (const group of planCellGroups(SCENARIOS, 2021, 2100, yearsPerActivity)) {
    const query = { gridId: nearest!.gridId, scenario: group.scenario, years: group.years, windowYears, modelVersions: REUSABLE_HAZARD_MODEL_VERSIONS, hazards: HAZARDS };
    const precomputed = await loadGridResults(stack.pool, query);
    const cells = computeScenarioCells(inputs, group.scenario, group.years, { ...DEFAULT_CELL_OPTIONS, windowYears }, precomputed) as SiteCellResult[];
    const target = { assessmentId: id, siteId: 'solo', scenario: group.scenario };
    await withTransaction(stack.pool, (tx) => assessments.replaceCellsResults(tx, target, cells, MODEL_VERSION, 1));
  }
  await assessments.finishSite(stack.pool, id, 'solo', 320);
  return (performance.now() - started) / 1000;
}
