import type { Scenario } from '../../domain/risk/types';
import { findAssessment, type Assessment } from '../../infra/risk/queries/assessments';
import { findSiteDetail, siteSeries, siteTotalsPage } from '../../infra/risk/queries/site-report';
import type { ApiDeps } from '../shared/deps';
import { notFound, ProblemError } from '../shared/problem';

/** The year a report opens at when none is asked for: mid-century, within the assessment's years. */
const DEFAULT_YEAR = 2050;

export type SiteReportService = ReturnType<typeof createSiteReportService>;

/** Reports over an assessment's stored results: reads only. */
export function createSiteReportService(deps: Pick<ApiDeps, 'pool'>) {
  const { pool } = deps;

  async function load(id: string): Promise<Assessment> {
    const a = await findAssessment(pool, id);
    if (!a) throw notFound(`Risk assessment ${id}`);
    return a;
  }

  return {
    /** A page of sites with totals at one scenario and year (by default the assessment's last scenario and 2050). */
    async sitesAt(id: string, at: { scenario?: Scenario; year?: number }, page: { limit: number; offset: number }) {
      const a = await load(id);
      const scenario = at.scenario ?? a.scenarios[a.scenarios.length - 1];
      const year = at.year ?? Math.min(Math.max(DEFAULT_YEAR, a.yearFrom), a.yearTo);
      if (!a.scenarios.includes(scenario)) {
        throw new ProblemError(400, 'Invalid request', `query.scenario: the assessment covers ${a.scenarios.join(', ')}`, [
          { field: 'query.scenario', message: `the assessment covers ${a.scenarios.join(', ')}` },
        ]);
      }
      if (year < a.yearFrom || year > a.yearTo) {
        throw new ProblemError(400, 'Invalid request', `query.year: the assessment covers ${a.yearFrom}–${a.yearTo}`, [
          { field: 'query.year', message: `the assessment covers ${a.yearFrom}–${a.yearTo}` },
        ]);
      }
      const sites = await siteTotalsPage(pool, a.id, { scenario, year }, page);
      return { assessment: a, scenario, year, sites };
    },

    /** One site with its grid point and every stored (scenario, hazard) series. */
    async site(id: string, siteId: string) {
      const a = await load(id);
      const [detail, series] = await Promise.all([findSiteDetail(pool, a.id, siteId), siteSeries(pool, a.id, siteId)]);
      if (!detail) throw notFound(`Site ${siteId} of risk assessment ${id}`);
      return { assessment: a, detail, series };
    },
  };
}
