import { z } from 'zod';
import { JOB_STATUSES } from '../shared/workflow-status';
import { ProblemError } from '../shared/problem';
import { defineRoute, type RouteSpec } from '../shared/route';
import { modelView, ModelVersionView } from './schemas';
import type { ModerationService } from './service';

const Schedule = z.object({
  id: z.string(),
  exists: z.boolean().describe('Created by the moderation worker at start-up'),
  nextRunAt: z.string().nullable(),
  paused: z.boolean(),
  runningRetrainIds: z.array(z.string()),
});

/** Model versions with their metrics, and retraining: on demand and how a run went. */
export function modelRoutes(service: ModerationService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/moderation/models',
      summary: 'Model versions, newest first, with held-out metrics next to the model they were compared with; the retraining schedule',
      tag: 'moderation',
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      responses: {
        200: {
          description: 'Model versions',
          schema: z.object({
            currentVersion: z.number().nullable(),
            labels: z.object({ seed: z.number(), feedback: z.number() }).describe('Labelled examples the next retraining learns from'),
            schedule: Schedule,
            versions: z.array(ModelVersionView),
          }),
        },
      },
      async handler({ query, res }) {
        const { versions, current, labels, schedule } = await service.models(query.limit);
        res.json({ currentVersion: current ?? null, labels, schedule, versions: versions.map((v) => modelView(v, current)) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/moderation/models/:version',
      summary: 'One model version with its metrics and the promotion decision',
      tag: 'moderation',
      params: z.object({ version: z.coerce.number().int().min(1) }),
      responses: { 200: { description: 'The version', schema: ModelVersionView } },
      async handler({ params, res }) {
        const { row, current } = await service.model(params.version);
        res.json(modelView(row, current));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/moderation/retrain',
      summary: 'Retrain now from every label (through the daily schedule, so runs never overlap); the new version is promoted only if not worse',
      tag: 'moderation',
      responses: {
        202: { description: 'A retraining run started', schema: z.object({ started: z.literal(true), retrainId: z.string().optional(), links: z.object({ self: z.string().optional() }) }) },
        409: { description: 'A retraining is already running; nothing new was started' },
      },
      async handler({ res }) {
        const outcome = await service.retrain();
        if (!outcome.started) {
          throw new ProblemError(409, 'Conflict', `retraining ${outcome.workflowId ?? '(starting)'} is still running; the trigger was skipped (overlap policy SKIP)`);
        }
        const self = outcome.workflowId ? `/api/moderation/retrains/${outcome.workflowId}` : undefined;
        if (self) res.location(self);
        res.status(202).json({ started: true, retrainId: outcome.workflowId, links: { self } });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/moderation/retrains/:id',
      summary: 'A retraining run: its status and, once trained, the version with metrics and decision',
      tag: 'moderation',
      params: z.object({ id: z.string().min(1).max(300) }),
      responses: {
        200: { description: 'The run', schema: z.object({ id: z.string(), status: z.enum(JOB_STATUSES), model: ModelVersionView.nullable() }) },
      },
      async handler({ params, res }) {
        const { status, model, current } = await service.retrainRun(params.id);
        res.json({ id: params.id, status, model: model ? modelView(model, current) : null });
      },
    }),
  ];
}
