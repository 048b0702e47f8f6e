import type { Response } from 'express';
import { z } from 'zod';
import type { RiskSettings } from '../../pipelines/risk/settings';
import { toCsv } from '../shared/csv';
import type { ApiDeps } from '../shared/deps';
import { defineRoute, type RouteSpec } from '../shared/route';
import { csvRecords, EXPLAIN_CSV_COLUMNS, RESULT_CSV_COLUMNS, SUMMARY_CSV_COLUMNS } from './result-presentation';
import { HazardResultView, ResultsPage, SingleResultParams } from './result-schemas';
import { createResultsService } from './results-service';
import { AssessmentId, ResultsQuery } from './schemas';

const CSV_DESCRIPTION =
  'One row per result (or cell with view=summary). Headers name units: *_rate = fraction of asset value per year, *_krw = KRW per year, ' +
  '*_score and integrated_score = 0–100, p_bins_fraction = P per bin separated by ";". With explain=true, explanation columns follow.';

/** Results of an assessment: a page (JSON or CSV), per-cell summaries, and one result with where it comes from. */
export function resultsRoutes(deps: ApiDeps, settings: RiskSettings, load: (id: string) => Promise<{ id: string }>): RouteSpec[] {
  const service = createResultsService(deps, settings);
  return [
    defineRoute({
      method: 'get',
      path: '/api/risk-assessments/:id/results',
      summary: 'Hazard results (or per-cell summaries with view=summary; explanations with explain=true); CSV with Accept: text/csv',
      tag: 'risk',
      params: AssessmentId,
      query: ResultsQuery,
      responses: {
        200: {
          description: 'A page of results (X-Total-Count holds the total), rounded to the stated precision',
          schema: ResultsPage,
          alternatives: { 'text/csv': { schema: z.string(), description: CSV_DESCRIPTION } },
        },
      },
      async handler({ params, query, req, res }) {
        const a = await load(params.id);
        const filter = {
          assessmentId: a.id,
          siteId: query.siteId,
          scenario: query.scenario,
          hazard: query.hazard,
          fromYear: query.year ?? query.fromYear,
          toYear: query.year ?? query.toYear,
        };
        const page = { limit: query.limit, offset: query.offset };
        const csv = req.accepts(['application/json', 'text/csv']) === 'text/csv';
        if (query.view === 'summary') {
          const found = await service.summaries(filter, page);
          res.set('X-Total-Count', String(found.total));
          if (csv) sendCsv(res, csvRecords(found.items, SUMMARY_CSV_COLUMNS));
          else res.json({ ...found, ...page } satisfies ResultsPage);
          return;
        }
        const found = await service.hazards(filter, page, query.explain);
        res.set('X-Total-Count', String(found.total));
        if (csv) sendCsv(res, csvRecords(found.items, query.explain ? [...RESULT_CSV_COLUMNS, ...EXPLAIN_CSV_COLUMNS] : RESULT_CSV_COLUMNS));
        else res.json({ ...found, ...page } satisfies ResultsPage);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/risk-assessments/:id/results/:siteId/:scenario/:year/:hazard',
      summary: 'One hazard result with its explanation: grid point, window, edges, P per bin, E and V rules, formulas',
      tag: 'risk',
      params: SingleResultParams,
      responses: { 200: { description: 'The result, rounded, with `explain` at full precision', schema: HazardResultView.required({ explain: true }) } },
      async handler({ params, res }) {
        const a = await load(params.id);
        res.json(await service.one({ ...params, assessmentId: a.id }));
      },
    }),
  ];
}

function sendCsv(res: Response, { headers, records }: { headers: string[]; records: Array<Record<string, unknown>> }): void {
  res.type('text/csv').send(toCsv(records, headers));
}
