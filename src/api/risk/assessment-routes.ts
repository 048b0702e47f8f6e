import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import type { RiskSettings } from '../../pipelines/risk/settings';
import type { ApiDeps } from '../shared/deps';
import { jobResource } from '../shared/job-resource';
import { defineRoute, type RouteSpec } from '../shared/route';
import { createAssessmentService } from './assessment-service';
import { resultsRoutes } from './results-routes';
import { AssessmentFields, AssessmentId, CreateRiskAssessment } from './schemas';

/** Without an Idempotency-Key the request itself is the business key: the same body never runs twice. */
function businessKey(req: Request): string {
  return createHash('sha256').update(JSON.stringify(req.body)).digest('hex').slice(0, 20);
}

export function assessmentRoutes(deps: ApiDeps, settings: RiskSettings): RouteSpec[] {
  const service = createAssessmentService(deps, settings);
  const assessments = jobResource(deps, service, {
    basePath: '/api/risk-assessments',
    noun: 'Risk assessment',
    tag: 'risk',
    workflowIdPrefix: 'risk',
    summaries: {
      accept: 'Assess sites × SSP scenarios × years × 9 hazards',
      view: 'Status and progress of an assessment, with per-site status',
      cancel: 'Cancel a running assessment; finished cells are kept',
    },
    accept: {
      idempotencyKey: 'Same key → same assessment; without it the request body is the key',
      body: CreateRiskAssessment,
      businessKey,
      read: async ({ body, id }) => {
        const request = body as CreateRiskAssessment;
        return { id, scenarios: request.scenarios, yearFrom: request.years.from, yearTo: request.years.to, sites: request.sites };
      },
    },
    fields: AssessmentFields,
    subresources: ['results'],
  });
  return [
    ...assessments.routes,
    ...resultsRoutes(deps, settings, assessments.load),
    defineRoute({
      method: 'post',
      path: '/api/risk-assessments/:id/retry-failed',
      summary: 'Re-run only the failed cells of a finished assessment',
      tag: 'risk',
      params: AssessmentId,
      responses: {
        202: { description: 'Retry run started', schema: z.object({ id: z.string(), status: z.literal('PENDING'), links: assessments.linksSchema }) },
        409: { description: 'The assessment is still running, or has no failed cells' },
      },
      async handler({ params, res }) {
        const retry = await service.retryFailed(await assessments.load(params.id));
        res.status(202).json({ id: retry.id, status: 'PENDING', links: assessments.links(retry) });
      },
    }),
  ];
}
