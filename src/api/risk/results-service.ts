import { InvalidRiskInputError } from '../../domain/risk/errors';
import { explainResults } from '../../domain/risk/explain';
import type { Hazard, Scenario } from '../../domain/risk/types';
import * as assessments from '../../infra/risk/queries/assessments';
import { loadSiteInputs } from '../../infra/risk/queries/reference';
import * as results from '../../infra/risk/queries/results';
import type { RiskSettings } from '../../pipelines/risk/settings';
import type { ApiDeps } from '../shared/deps';
import { notFound, ProblemError } from '../shared/problem';
import { presentExplanation, presentResult, presentSummary, reproduces } from './result-presentation';
import type { CellSummaryView, Explanation, HazardResultView } from './result-schemas';

export interface ResultKey {
  assessmentId: string;
  siteId: string;
  scenario: Scenario;
  year: number;
  hazard: Hazard;
}

const groupBy = <T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> => {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

/** Reads of an assessment's results: pages (rounded), summaries (the domain's), explanations (recomputed). */
export function createResultsService(deps: Pick<ApiDeps, 'pool'>, settings: RiskSettings) {
  const { pool } = deps;

  /**
   * Explanations of stored rows, recomputed with the current model from the site and its grid
   * point, with the same functions and window as the activity; one reference load per grid point
   * and one preparation per (site, scenario).
   */
  async function explain(assessmentId: string, rows: readonly results.ResultRow[]): Promise<Map<results.ResultRow, Explanation>> {
    const explained = new Map<results.ResultRow, Explanation>();
    const references = new Map<number, ReturnType<typeof loadSiteInputs>>();
    for (const [siteId, siteRows] of groupBy(rows, (r) => r.siteId)) {
      const site = await assessments.findSite(pool, assessmentId, siteId);
      if (!site || site.gridId === null || site.gridDistanceKm === null) continue;
      const gridId = site.gridId;
      if (!references.has(gridId)) references.set(gridId, loadSiteInputs(pool, gridId));
      const reference = await references.get(gridId)!;
      const grid = { ...reference.grid, id: gridId, distanceKm: site.gridDistanceKm };
      for (const [scenario, scenarioRows] of groupBy(siteRows, (r) => r.scenario as Scenario)) {
        const cells = scenarioRows.map((r) => ({ year: r.year, hazard: r.hazard as Hazard }));
        let explanations;
        try {
          explanations = explainResults({ site: site.profile, ...reference }, scenario, cells, { windowYears: settings.assessment.windowYears });
        } catch (err) {
          if (!(err instanceof InvalidRiskInputError)) throw err;
          throw new ProblemError(409, 'Cannot explain', `Site ${siteId}, ${scenario}: the reference data no longer computes (${err.message})`);
        }
        scenarioRows.forEach((row, i) => explained.set(row, presentExplanation(explanations[i], grid, reproduces(explanations[i], row))));
      }
    }
    return explained;
  }

  return {
    async hazards(filter: results.ResultFilter, page: { limit: number; offset: number }, withExplanations: boolean): Promise<{ total: number; items: HazardResultView[] }> {
      const found = await results.findResults(pool, filter, page);
      const explanations = withExplanations ? await explain(filter.assessmentId, found.rows) : undefined;
      return { total: found.total, items: found.rows.map((row) => presentResult(row, explanations?.get(row))) };
    },

    async summaries(filter: results.ResultFilter, page: { limit: number; offset: number }): Promise<{ total: number; items: CellSummaryView[] }> {
      const found = await results.findCellPage(pool, filter, page);
      return { total: found.total, items: found.cells.map(presentSummary) };
    },

    /** One result with its explanation, or a 404 naming it. */
    async one(key: ResultKey): Promise<HazardResultView> {
      const row = await results.findResult(pool, key);
      if (!row) throw notFound(`Result ${key.siteId}/${key.scenario}/${key.year}/${key.hazard} of ${key.assessmentId}`);
      return presentResult(row, (await explain(key.assessmentId, [row])).get(row));
    },
  };
}
