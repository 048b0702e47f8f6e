import { z } from 'zod';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import * as q from '../../infra/feedback/queries/jobs';
import type { ApiDeps } from '../shared/deps';
import { jobResource } from '../shared/job-resource';
import { ProblemError } from '../shared/problem';
import { defineRoute, type RouteSpec } from '../shared/route';
import { describeRun } from '../shared/workflow-status';
import { createFeedbackJobService, FeedbackAnswerView, FeedbackJobBody, FeedbackJobFields } from './job-service';
import { relayTokens } from './token-relay';

const Id = z.object({ id: z.string().min(1).max(200) });
const Page = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20), offset: z.coerce.number().int().min(0).default(0) });

/** Feedback jobs: accept, view, cancel, list, the result, and the live token stream. */
export function feedbackJobRoutes(deps: ApiDeps, settings: FeedbackSettings): RouteSpec[] {
  const service = createFeedbackJobService(deps, settings);
  const jobs = jobResource(deps, service, {
    basePath: '/api/feedback-jobs',
    noun: 'Feedback job',
    tag: 'feedback',
    workflowIdPrefix: 'feedback',
    summaries: {
      accept: 'Feedback on a submission to an eco-challenge: {challengeId, submission: {text, photos?}}; answers with the job',
      view: 'A feedback job: phase, rate-limit retry time, token usage and, once completed, the feedback',
      cancel: 'Cancel a feedback job; a model call in progress is cut off',
    },
    accept: {
      idempotencyKey: 'Same key → same feedback job (feedback-<key>)',
      body: FeedbackJobBody,
      read: async ({ body, id }) => service.read(id, body as FeedbackJobBody),
    },
    fields: FeedbackJobFields,
    subresources: ['stream', 'result'],
  });
  const Summary = z.object({ id: z.string(), challengeId: z.string(), status: z.string().describe('As the job recorded it'), error: z.string().nullable(), createdAt: z.string(), finishedAt: z.string().nullable(), links: z.object({ self: z.string(), stream: z.string() }) });
  return [
    ...jobs.routes,
    defineRoute({
      method: 'get',
      path: '/api/feedback-jobs',
      summary: 'Recent feedback jobs, newest first',
      tag: 'feedback',
      query: Page,
      responses: { 200: { description: 'Feedback jobs', schema: z.object({ jobs: z.array(Summary) }) } },
      async handler({ query, res }) {
        const rows = await q.listFeedbackJobs(deps.pool, query);
        res.json({
          jobs: rows.map((j) => ({
            id: j.id,
            challengeId: j.challengeId,
            status: j.status,
            error: j.error,
            createdAt: j.createdAt.toISOString(),
            finishedAt: j.finishedAt?.toISOString() ?? null,
            links: { self: `/api/feedback-jobs/${j.id}`, stream: `/api/feedback-jobs/${j.id}/stream` },
          })),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/feedback-jobs/:id/result',
      summary: 'The validated feedback of a completed job',
      tag: 'feedback',
      params: Id,
      responses: {
        200: { description: 'The feedback', schema: z.object({ id: z.string(), repaired: z.boolean(), model: z.string().nullable(), feedback: FeedbackAnswerView }) },
        409: { description: 'The job has no result (yet)' },
      },
      async handler({ params, res }) {
        const job = await jobs.load(params.id);
        const result = await q.findResult(deps.pool, job.id);
        if (!result) throw new ProblemError(409, 'No result', `feedback job ${job.id} has no result${job.status === 'RUNNING' ? ' yet' : `: it ended ${job.status}`}`);
        res.json({ id: job.id, repaired: result.repaired, model: result.model, feedback: result.answer });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/feedback-jobs/:id/stream',
      summary: 'Server-sent events: the model’s tokens as they arrive (replayed from the start, or after Last-Event-ID), then `end`',
      tag: 'feedback',
      params: Id,
      responses: {
        200: {
          description: '`call` starts each model call (drop text of the call before it: a retry or the repair), `token` carries text, `end` the final status',
          contentType: 'text/event-stream',
          events: {
            call: z.object({ purpose: z.enum(['answer', 'repair']), callKey: z.string() }),
            token: z.object({ text: z.string() }),
            end: z.object({ id: z.string(), status: z.string(), error: z.string().nullable() }),
          },
        },
      },
      async handler({ params, req, res }) {
        const job = await jobs.load(params.id);
        const runStatus = async (id: string) => (await describeRun(deps.temporal, id)).status;
        await relayTokens({ pool: deps.pool, databaseUrl: deps.config.postgres.url!, runStatus }, job, req, res);
      },
    }),
  ];
}
