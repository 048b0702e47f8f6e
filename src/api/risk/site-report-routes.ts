import { z } from 'zod';
import { FIRST_YEAR, LAST_YEAR, SCENARIOS } from '../../domain/risk/types';
import type { ApiDeps } from '../shared/deps';
import { defineRoute, type RouteSpec } from '../shared/route';
import { AssessmentId } from './schemas';
import { createSiteReportService } from './site-report-service';

const FINAL_AAL = 'Final AAL: expected loss per year as a fraction of the asset value (0–1)';

const SiteTotals = z.object({
  siteId: z.string(),
  name: z.string().nullable(),
  latitude: z.number(),
  longitude: z.number(),
  status: z.string(),
  gridDistanceKm: z.number().nullable(),
  totals: z
    .object({
      finalAal: z.number().describe(`Sum over the nine hazards. ${FINAL_AAL}`),
      expectedLossKrw: z.number(),
      maxIntegratedScore: z.number().describe('0–100'),
      grade: z.string().describe('The worst hazard grade (the grade of the hazard with the highest final AAL)'),
      topHazards: z.array(z.string()).describe('The three hazards with the highest final AAL'),
    })
    .nullable()
    .describe('Null until the site has a stored result for this scenario and year'),
});

const SitesPage = z.object({
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  scenario: z.enum(SCENARIOS),
  year: z.number(),
  items: z.array(SiteTotals),
});

const SiteReport = z.object({
  assessmentId: z.string(),
  siteId: z.string(),
  name: z.string().nullable(),
  status: z.string(),
  error: z.string().nullable(),
  latitude: z.number(),
  longitude: z.number(),
  building: z.record(z.string(), z.unknown()),
  asset: z.object({ valueKrw: z.number(), insuranceRate: z.number().describe('0–1') }),
  gridPoint: z
    .object({ id: z.number(), latitude: z.number(), longitude: z.number(), distanceKm: z.number(), source: z.string().describe('synthetic/v1 or the name of a real dataset') })
    .nullable()
    .describe('The reference grid point the site was assessed with; null until it is located'),
  cells: z.object({ total: z.number(), completed: z.number(), failed: z.number() }),
  series: z
    .array(
      z.object({
        scenario: z.string(),
        hazard: z.string(),
        years: z.array(z.number()),
        finalAal: z.array(z.number()).describe(FINAL_AAL),
        expectedLossKrw: z.array(z.number()),
        integratedScore: z.array(z.number()).describe('0–100'),
        grade: z.array(z.string()),
      }),
    )
    .describe('One series per (scenario, hazard) over the stored years, arrays aligned with years'),
});

/** An assessment's sites for reports: totals of every site at one scenario and year, and one site's yearly series. */
export function siteReportRoutes(deps: ApiDeps): RouteSpec[] {
  const service = createSiteReportService(deps);
  return [
    defineRoute({
      method: 'get',
      path: '/api/risk-assessments/:id/sites',
      summary: "Sites in request order with totals across hazards at one scenario and year (the assessment's overview)",
      tag: 'risk',
      params: AssessmentId,
      query: z.object({
        scenario: z.enum(SCENARIOS).optional().describe("Default: the assessment's last scenario"),
        year: z.coerce.number().int().min(FIRST_YEAR).max(LAST_YEAR).optional().describe('Default: 2050, within the assessment’s years'),
        limit: z.coerce.number().int().min(1).max(1000).default(1000),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      responses: { 200: { description: 'A page of sites', schema: SitesPage } },
      async handler({ params, query, res }) {
        const page = { limit: query.limit, offset: query.offset };
        const { assessment, scenario, year, sites } = await service.sitesAt(params.id, query, page);
        const items = sites.map(({ totals, ...site }) => ({
          ...site,
          totals: totals && { finalAal: totals.finalAal, expectedLossKrw: totals.expectedLoss, maxIntegratedScore: totals.maxIntegratedScore, grade: totals.grade, topHazards: totals.topHazards },
        }));
        res.json({ total: assessment.siteCount, ...page, scenario, year, items } satisfies z.input<typeof SitesPage>);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/risk-assessments/:id/sites/:siteId',
      summary: "One site's report: its grid point and the yearly series of final AAL, expected loss, score and grade per scenario and hazard",
      tag: 'risk',
      params: AssessmentId.extend({ siteId: z.string().min(1).max(100) }),
      responses: { 200: { description: 'The site', schema: SiteReport } },
      async handler({ params, res }) {
        const { assessment: a, detail: d, series } = await service.site(params.id, params.siteId);
        const cellsPerSite = a.scenarios.length * (a.yearTo - a.yearFrom + 1);
        const report: z.input<typeof SiteReport> = {
          assessmentId: a.id,
          siteId: d.siteId,
          name: d.name,
          status: d.status,
          error: d.error,
          latitude: d.latitude,
          longitude: d.longitude,
          building: d.building,
          asset: { valueKrw: d.assetValue, insuranceRate: d.insuranceRate },
          gridPoint: d.gridPoint,
          cells: { total: cellsPerSite, completed: d.completedCells, failed: d.failedCells },
          series: series.map(({ expectedLoss, ...s }) => ({ ...s, expectedLossKrw: expectedLoss })),
        };
        res.json(report);
      },
    }),
  ];
}
