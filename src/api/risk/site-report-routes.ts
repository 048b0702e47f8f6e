import { z } from 'zod';
import { FIRST_YEAR, LAST_YEAR, SCENARIOS } from '../../domain/risk/types';
import type { ApiDeps } from '../shared/deps';
import { defineRoute, type RouteSpec } from '../shared/route';
import { AssessmentId } from './schemas';
import { counted, degreesField, kmField, krwField, measured, rateField, roundKm, roundRate, roundScore, scoreField, yearField } from './units';
import { createSiteReportService } from './site-report-service';

const SiteTotals = z.object({
  siteId: z.string(),
  name: z.string().nullable(),
  latitude: degreesField('Latitude of the site', 37.5665),
  longitude: degreesField('Longitude of the site', 126.978),
  status: z.string(),
  gridDistanceKm: kmField('Distance from the site to its grid point; null until located', 1.234).nullable(),
  totals: z
    .object({
      finalAal: rateField('Final AAL summed over the nine hazards', 0.0234),
      expectedLossKrw: krwField('Expected loss summed over the nine hazards', 1_170_000_000),
      maxIntegratedScore: scoreField('Highest integrated score of the nine hazards', 42.5),
      grade: z.string().describe('The worst hazard grade (the grade of the hazard with the highest final AAL)'),
      topHazards: z.array(z.string()).describe('The three hazards with the highest final AAL'),
    })
    .nullable()
    .describe('Null until the site has a stored result for this scenario and year'),
});

const SitesPage = z.object({
  total: counted('Sites in the assessment', 1000),
  limit: counted('Page size asked for', 1000),
  offset: counted('Sites skipped before this page', 0),
  scenario: z.enum(SCENARIOS),
  year: yearField('The year the totals are for'),
  items: z.array(SiteTotals),
});

const SiteReport = z.object({
  assessmentId: z.string(),
  siteId: z.string(),
  name: z.string().nullable(),
  status: z.string(),
  error: z.string().nullable(),
  latitude: degreesField('Latitude of the site', 37.5665),
  longitude: degreesField('Longitude of the site', 126.978),
  building: z.record(z.string(), z.unknown()),
  asset: z.object({
    valueKrw: measured('Replacement value of the asset: KRW', 50_000_000_000),
    insuranceRate: measured('Share of losses covered by insurance: fraction 0–1 (0.2 = 20 %)', 0.2),
  }),
  gridPoint: z
    .object({
      id: counted('Id of the grid point', 3521),
      latitude: degreesField('Latitude of the grid point', 37.55),
      longitude: degreesField('Longitude of the grid point', 127.0),
      distanceKm: kmField('Distance from the site to the grid point', 1.234),
      source: z.string().describe('synthetic/v1 or the name of a real dataset'),
    })
    .nullable()
    .describe('The reference grid point the site was assessed with; null until it is located'),
  cells: z.object({
    total: counted('(scenario, year) cells of this site: scenarios × years', 320),
    completed: counted('Cells of this site computed', 320),
    failed: counted('Cells of this site that failed', 0),
  }),
  series: z
    .array(
      z.object({
        scenario: z.string(),
        hazard: z.string(),
        years: z.array(yearField()),
        finalAal: z.array(rateField('Final AAL of the year', 0.0031)),
        expectedLossKrw: z.array(krwField('Expected loss of the year', 155_000_000)),
        integratedScore: z.array(scoreField('Integrated score of the year', 18.25)),
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
        limit: z.coerce.number().int().min(1).max(1000).default(1000).describe('Sites per page (1–1000)'),
        offset: z.coerce.number().int().min(0).default(0).describe('Sites to skip'),
      }),
      responses: { 200: { description: 'A page of sites', schema: SitesPage } },
      async handler({ params, query, res }) {
        const page = { limit: query.limit, offset: query.offset };
        const { assessment, scenario, year, sites } = await service.sitesAt(params.id, query, page);
        const items = sites.map(({ totals, ...site }) => ({
          ...site,
          gridDistanceKm: site.gridDistanceKm === null ? null : roundKm(site.gridDistanceKm),
          totals: totals && {
            finalAal: roundRate(totals.finalAal),
            expectedLossKrw: Math.round(totals.expectedLoss),
            maxIntegratedScore: roundScore(totals.maxIntegratedScore),
            grade: totals.grade,
            topHazards: totals.topHazards,
          },
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
          gridPoint: d.gridPoint && { ...d.gridPoint, distanceKm: roundKm(d.gridPoint.distanceKm) },
          cells: { total: cellsPerSite, completed: d.completedCells, failed: d.failedCells },
          series: series.map(({ expectedLoss, finalAal, integratedScore, ...s }) => ({
            ...s,
            finalAal: finalAal.map(roundRate),
            expectedLossKrw: expectedLoss.map(Math.round),
            integratedScore: integratedScore.map(roundScore),
          })),
        };
        res.json(report);
      },
    }),
  ];
}
