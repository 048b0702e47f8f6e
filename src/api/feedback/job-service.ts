import { z } from 'zod';
import { FEEDBACK_VERDICTS, type Submission } from '../../domain/feedback';
import { withTransaction } from '../../infra/db/pool';
import * as q from '../../infra/feedback/queries/jobs';
import { assertFetchableUrl, UnsafeUrlError } from '../../infra/http/url-guard';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import { feedbackJobStateQuery, type feedbackJobWorkflow } from '../../workflows/feedback/feedback-job';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from '../shared/deps';
import type { JobService } from '../shared/job-resource';
import { queryLiveState } from '../shared/live-state';
import { ProblemError } from '../shared/problem';
import { startOrGetExisting } from '../shared/start-workflow';
import type { RunState } from '../shared/workflow-status';

/**
 * The model is handed the photo URLs, and a model server that reads images fetches them from
 * inside its own network: a URL naming a private or loopback address, or carrying credentials, is
 * refused here by the rules the ETL's fetches follow (infra/http/url-guard.ts). Names are not
 * resolved: we never fetch the photos ourselves.
 */
function isPublicPhotoUrl(value: string, ctx: z.RefinementCtx): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return; // z.url() has said so
  }
  try {
    assertFetchableUrl(url, []);
  } catch (err) {
    if (!(err instanceof UnsafeUrlError)) throw err;
    ctx.addIssue({ code: 'custom', message: `not a public photo URL: ${err.message}` });
  }
}

export const FeedbackJobBody = z
  .object({
    challengeId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'a challenge id: lowercase letters, digits and hyphens, at most 100'),
    submission: z
      .object({
        text: z.string().trim().min(1, 'the submission needs some text').max(10_000),
        photos: z.array(z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).superRefine(isPublicPhotoUrl)).max(10).optional(),
      })
      .strict(),
  })
  .strict();
export type FeedbackJobBody = z.output<typeof FeedbackJobBody>;

export const FeedbackAnswerView = z.object({
  verdict: z.enum(FEEDBACK_VERDICTS),
  score: z.number().int().describe('0–100'),
  summary: z.string(),
  criteria: z.array(z.object({ criterion: z.string(), met: z.boolean(), comment: z.string() })),
  suggestions: z.array(z.string()),
});

/** A feedback job's own fields in its view. */
export const FeedbackJobFields = {
  challengeId: z.string(),
  phase: z.string().describe('queued, waiting_for_slot, generating, repairing, rate_limited, completed, failed or canceled'),
  retryAt: z.string().nullable().describe('While rate limited: when the model server is called again'),
  reason: z.string().nullable(),
  repaired: z.boolean().describe('The first answer was invalid and the one repair call produced the result'),
  usage: z.object({ calls: z.number().int().describe('Model calls that returned an answer'), promptTokens: z.number().int(), completionTokens: z.number().int() }),
  result: FeedbackAnswerView.nullable().describe('The validated feedback; null until the job completes'),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
};
type FeedbackJobFieldValues = z.output<z.ZodObject<typeof FeedbackJobFields>>;

export interface AcceptFeedbackJob {
  id: string;
  challengeId: string;
  submission: Submission;
}

/** What the API does with feedback jobs; every write a request makes is one call here, in one transaction. */
export function createFeedbackJobService(deps: Pick<ApiDeps, 'pool' | 'temporal'>, settings: FeedbackSettings) {
  const { pool, temporal } = deps;
  const find = (id: string) => q.findFeedbackJob(pool, id);

  const service = {
    find,

    /** An unknown challenge is the caller's mistake, named like any other bad field. */
    async read(id: string, body: FeedbackJobBody): Promise<AcceptFeedbackJob> {
      if (!(await q.findChallenge(pool, body.challengeId))) {
        const message = `no challenge ${body.challengeId} (GET /api/challenges lists them)`;
        throw new ProblemError(400, 'Invalid request', `body.challengeId: ${message}`, [{ field: 'body.challengeId', message }]);
      }
      return { id, challengeId: body.challengeId, submission: body.submission };
    },

    async accept(input: AcceptFeedbackJob): Promise<q.FeedbackJob> {
      await withTransaction(pool, (tx) => q.insertFeedbackJob(tx, input));
      const job = await find(input.id);
      if (!job) throw new Error(`feedback job ${input.id} vanished right after it was stored`);
      return job;
    },

    async start(job: q.FeedbackJob): Promise<boolean> {
      const { created } = await startOrGetExisting<typeof feedbackJobWorkflow>(temporal, 'feedbackJobWorkflow', {
        workflowId: job.id,
        taskQueue: settings.queue.taskQueue,
        args: [{ jobId: job.id }],
        typedSearchAttributes: [
          { key: PIPELINE, value: 'feedback' },
          { key: BUSINESS_KEY, value: job.challengeId },
        ],
        staticSummary: `feedback on a submission to ${job.challengeId}`,
      });
      return created;
    },

    /** The workflow's live state once a worker has it; result, usage and times from PostgreSQL. */
    async viewFields(job: q.FeedbackJob, run: RunState): Promise<FeedbackJobFieldValues> {
      const live = run.status === 'PENDING' ? undefined : await queryLiveState(temporal, job.id, feedbackJobStateQuery);
      const [fresh, result, usage] = await Promise.all([find(job.id), q.findResult(pool, job.id), q.usageOf(pool, job.id)]);
      const row = fresh ?? job;
      return {
        challengeId: row.challengeId,
        phase: live?.phase ?? (run.status === 'PENDING' ? 'queued' : run.status.toLowerCase()),
        retryAt: live?.retryAt ?? null,
        reason: live?.reason ?? null,
        repaired: result?.repaired ?? false,
        usage,
        result: result?.answer ?? null,
        error: row.error ?? live?.error ?? null,
        createdAt: row.createdAt.toISOString(),
        finishedAt: row.finishedAt?.toISOString() ?? null,
      };
    },
  };
  return service satisfies JobService<AcceptFeedbackJob, q.FeedbackJob, FeedbackJobFieldValues>;
}
