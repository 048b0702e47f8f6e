import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import * as assessments from '../../infra/risk/queries/assessments';
import { findNearestGridPoints } from '../../infra/risk/queries/reference';
import * as results from '../../infra/risk/queries/results';
import { webUiRunUrl } from '../../infra/temporal/client';
import { riskProgressQuery, type riskAssessmentWorkflow, type RiskAssessmentStatus } from '../../workflows/risk/assessment';
import { BUSINESS_KEY, PIPELINE, SCENARIOS as SCENARIOS_ATTRIBUTE } from '../../workflows/shared/search-attributes';
import { toCsv } from '../shared/csv';
import type { ApiDeps } from '../shared/deps';
import { notFound, ProblemError, type FieldError } from '../shared/problem';
import { startOrGetExisting, workflowIdFromRequest } from '../shared/start-workflow';
import { cancelActiveRun, isActive, jobStatus } from '../shared/workflow-status';
import { defineRoute } from '../shared/route';
import type { RiskSettings } from '../../pipelines/risk/settings';
import { AssessmentId, AssessmentView, Accepted, CreateRiskAssessment, ResultsQuery } from './schemas';

const SITES_IN_VIEW = 1000;

/** Without an Idempotency-Key the request itself is the business key: the same body never runs twice. */
function businessKey(req: Request): string {
  return createHash('sha256').update(JSON.stringify(req.body)).digest('hex').slice(0, 20);
}

async function assertInsideGrid(deps: ApiDeps, settings: RiskSettings, body: CreateRiskAssessment): Promise<void> {
  const nearest = await findNearestGridPoints(deps.pool, body.sites);
  const limit = settings.assessment.maxGridDistanceKm;
  const errors: FieldError[] = [];
  nearest.forEach((n, i) => {
    if (!n) errors.push({ field: `body.sites[${i}].latitude`, message: 'no reference grid is loaded' });
    else if (n.distanceKm > limit) {
      errors.push({ field: `body.sites[${i}].latitude`, message: `outside the reference grid: nearest grid point is ${n.distanceKm.toFixed(1)} km away (limit ${limit} km)` });
    }
  });
  if (errors.length) throw new ProblemError(400, 'Invalid request', `${errors[0].field}: ${errors[0].message}`, errors);
}

const links = (deps: ApiDeps, id: string, workflowId: string) => ({
  self: `/api/risk-assessments/${id}`,
  results: `/api/risk-assessments/${id}/results`,
  run: `/api/runs/${workflowId}`,
  webUi: webUiRunUrl(deps.config, workflowId),
});

async function startRun(deps: ApiDeps, settings: RiskSettings, a: assessments.AssessmentRow, workflowId: string, mode: 'all' | 'failed-only') {
  return startOrGetExisting<typeof riskAssessmentWorkflow>(deps.temporal, 'riskAssessmentWorkflow', {
    workflowId,
    taskQueue: settings.queue.taskQueue,
    args: [{ assessmentId: a.id, siteCount: a.site_count, scenarios: a.scenarios, yearFrom: a.year_from, yearTo: a.year_to, mode, tuning: settings.assessment }],
    typedSearchAttributes: [
      { key: PIPELINE, value: 'risk' },
      { key: BUSINESS_KEY, value: a.id },
      { key: SCENARIOS_ATTRIBUTE, value: a.scenarios },
    ],
    staticSummary: `${mode === 'all' ? 'risk assessment' : 'retry of failed cells'}: ${a.site_count} site(s) × ${a.scenarios.length} scenario(s) × ${a.year_to - a.year_from + 1} year(s)`,
  });
}

async function loadAssessment(deps: ApiDeps, id: string): Promise<assessments.AssessmentRow> {
  const a = await assessments.findAssessment(deps.pool, id);
  if (!a) throw notFound(`Risk assessment ${id}`);
  return a;
}

/** Live progress from the workflow while it runs; stored counts once it has closed. */
async function progressOf(deps: ApiDeps, a: assessments.AssessmentRow, running: boolean) {
  const cellsPerSite = a.scenarios.length * (a.year_to - a.year_from + 1);
  let live: RiskAssessmentStatus | undefined;
  if (running) live = await deps.temporal.workflow.getHandle(a.workflow_id).query(riskProgressQuery).catch(() => undefined);
  const sites = await results.siteStatuses(deps.pool, a.id, SITES_IN_VIEW);
  const stored = live ? undefined : await results.cellCounts(deps.pool, a.id);
  return {
    sites,
    progress: {
      totalSites: a.site_count,
      totalCells: a.site_count * cellsPerSite,
      sitesDone: live ? live.sitesDone : sites.filter((s) => !['PENDING', 'RUNNING'].includes(s.status)).length,
      sitesFailed: live ? live.sitesFailed : sites.filter((s) => s.status === 'FAILED').length,
      completedCells: live?.completedCells ?? stored!.completedCells,
      failedCells: live?.failedCells ?? stored!.failedCells,
    },
  };
}

export function assessmentRoutes(deps: ApiDeps, settings: RiskSettings) {
  return [
    defineRoute({
      method: 'post',
      path: '/api/risk-assessments',
      summary: 'Assess sites × SSP scenarios × years × 9 hazards',
      tag: 'risk',
      headers: { 'Idempotency-Key': 'Same key → same assessment; without it the request body is the key' },
      body: CreateRiskAssessment,
      responses: { 202: { description: 'Accepted', schema: Accepted }, 200: { description: 'Already accepted earlier', schema: Accepted } },
      async handler({ body, req, res }) {
        const id = workflowIdFromRequest(req, 'risk', businessKey(req));
        await assertInsideGrid(deps, settings, body);
        await assessments.insertAssessment(deps.pool, { id, scenarios: body.scenarios, yearFrom: body.years.from, yearTo: body.years.to, sites: body.sites });
        const a = await loadAssessment(deps, id);
        const { created } = await startRun(deps, settings, a, a.id, 'all');
        res.status(created ? 202 : 200).location(`/api/risk-assessments/${id}`).json({ id, status: created ? 'PENDING' : a.status, created, links: links(deps, id, a.workflow_id) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/risk-assessments/:id',
      summary: 'Status and progress of an assessment, with per-site status',
      tag: 'risk',
      params: AssessmentId,
      responses: { 200: { description: 'The assessment', schema: AssessmentView } },
      async handler({ params, res }) {
        const a = await loadAssessment(deps, params.id);
        const description = await deps.temporal.workflow.getHandle(a.workflow_id).describe();
        const status = jobStatus(description);
        const { sites, progress } = await progressOf(deps, a, isActive(status));
        const view: z.infer<typeof AssessmentView> = {
          id: a.id,
          status,
          scenarios: a.scenarios,
          years: { from: a.year_from, to: a.year_to },
          progress,
          sites,
          sitesTruncated: a.site_count > sites.length,
          startedAt: a.created_at.toISOString(),
          finishedAt: description.closeTime?.toISOString() ?? null,
          error: a.error,
          links: links(deps, a.id, a.workflow_id),
        };
        res.json(view);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/risk-assessments/:id/results',
      summary: 'Hazard results (or per-cell summaries with view=summary); CSV with Accept: text/csv',
      tag: 'risk',
      params: AssessmentId,
      query: ResultsQuery,
      responses: { 200: { description: 'A page of results' } },
      async handler({ params, query, req, res }) {
        await loadAssessment(deps, params.id);
        const filter = {
          assessmentId: params.id,
          siteId: query.siteId,
          scenario: query.scenario,
          hazard: query.hazard,
          fromYear: query.year ?? query.fromYear,
          toYear: query.year ?? query.toYear,
        };
        const page = { limit: query.limit, offset: query.offset };
        const found = query.view === 'summary' ? await results.findSummaries(deps.pool, filter, page) : await results.findResults(deps.pool, filter, page);
        res.set('X-Total-Count', String(found.total));
        if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
          const rows = found.rows as unknown as Array<Record<string, unknown>>;
          res.type('text/csv').send(toCsv(rows, Object.keys(rows[0] ?? {})));
          return;
        }
        res.json({ total: found.total, limit: page.limit, offset: page.offset, items: found.rows });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/risk-assessments/:id/cancel',
      summary: 'Cancel a running assessment; finished cells are kept',
      tag: 'risk',
      params: AssessmentId,
      responses: { 202: { description: 'Cancellation requested' } },
      async handler({ params, res }) {
        const a = await loadAssessment(deps, params.id);
        await cancelActiveRun(deps.temporal, a.workflow_id, `Risk assessment ${a.id}`);
        res.status(202).json({ id: a.id, status: 'CANCELING', links: links(deps, a.id, a.workflow_id) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/risk-assessments/:id/retry-failed',
      summary: 'Re-run only the failed cells of a finished assessment',
      tag: 'risk',
      params: AssessmentId,
      responses: { 202: { description: 'Retry run started' } },
      async handler({ params, res }) {
        const a = await loadAssessment(deps, params.id);
        if (isActive(jobStatus(await deps.temporal.workflow.getHandle(a.workflow_id).describe()))) throw new ProblemError(409, 'Conflict', `Risk assessment ${a.id} is still running`);
        const { failedCells } = await results.cellCounts(deps.pool, a.id);
        const incomplete = (await results.siteStatuses(deps.pool, a.id, a.site_count)).some((s) => s.status !== 'COMPLETED');
        if (failedCells === 0 && !incomplete) throw new ProblemError(409, 'Conflict', `Risk assessment ${a.id} has no failed cells`);
        const workflowId = await assessments.startRetryRun(deps.pool, a.id);
        await startRun(deps, settings, a, workflowId, 'failed-only');
        res.status(202).json({ id: a.id, status: 'PENDING', links: links(deps, a.id, workflowId) });
      },
    }),
  ];
}
