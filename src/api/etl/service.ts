import { z } from 'zod';
import { withTransaction } from '../../infra/db/pool';
import * as etl from '../../infra/etl/queries';
import type { EtlSettings } from '../../pipelines/etl/settings';
import { etlProgressQuery, type etlJobWorkflow } from '../../workflows/etl/job';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from '../shared/deps';
import { claimStoredInput } from '../shared/ingress';
import type { JobService } from '../shared/job-resource';
import { queryLiveState } from '../shared/live-state';
import { startOrGetExisting } from '../shared/start-workflow';
import type { RunState } from '../shared/workflow-status';
import type { StoredInput } from './input';

/** An ETL job's own fields in its view. */
export const EtlJobFields = {
  counts: z.object({
    total: z.number().describe('Input rows'),
    rejected: z.number(),
    pending: z.number(),
    downloaded: z.number(),
    failed: z.number(),
    loaded: z.number(),
  }),
  chunks: z.object({ done: z.number(), total: z.number() }).nullable().describe('While the job runs: chunks of videos finished, of all'),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
};
type EtlJobFields = z.output<z.ZodObject<typeof EtlJobFields>>;

export interface AcceptEtlJob {
  id: string;
  input: StoredInput;
}

export type EtlJobService = ReturnType<typeof createEtlJobService>;

/** What the API does with ETL jobs; every write a request makes is one call here, in one transaction. */
export function createEtlJobService(deps: Pick<ApiDeps, 'pool' | 'store' | 'temporal'>, settings: EtlSettings) {
  const { pool, store, temporal } = deps;
  const find = (id: string) => etl.findEtlJob(pool, id);

  const service = {
    find,

    /** The job row claims the stored input; a request that lost the race to its key (or failed) deletes what it stored. */
    async accept({ id, input }: AcceptEtlJob): Promise<etl.EtlJob> {
      await claimStoredInput(store, input.storedHere ? input.key : undefined, () =>
        withTransaction(pool, (tx) => etl.insertEtlJob(tx, { id, source: input.source, inputKey: input.key })),
      );
      const job = await find(id);
      if (!job) throw new Error(`ETL job ${id} vanished right after it was stored`);
      return job;
    },

    async start(job: etl.EtlJob): Promise<boolean> {
      const { created } = await startOrGetExisting<typeof etlJobWorkflow>(temporal, 'etlJobWorkflow', {
        workflowId: job.id,
        taskQueue: settings.queue.taskQueue,
        args: [{ jobId: job.id, tuning: settings.tuning }],
        typedSearchAttributes: [
          { key: PIPELINE, value: 'etl' },
          { key: BUSINESS_KEY, value: job.id },
        ],
        staticSummary: `video ETL job ${job.id}`,
      });
      return created;
    },

    /** Counts from PostgreSQL; the input's row count and chunk progress from the workflow while it runs. */
    async viewFields(job: etl.EtlJob, run: RunState): Promise<EtlJobFields> {
      const live = run.status === 'RUNNING' ? await queryLiveState(temporal, job.id, etlProgressQuery) : undefined;
      const counts = await etl.jobCounts(pool, job.id);
      return {
        counts: { total: job.totalRows ?? live?.totalRows ?? 0, ...counts },
        chunks: live ? { done: live.chunksDone, total: live.chunks } : null,
        error: job.error,
        createdAt: job.createdAt.toISOString(),
        finishedAt: job.finishedAt?.toISOString() ?? null,
      };
    },

    videos: (jobId: string, status: string | undefined, page: { limit: number; offset: number }) => etl.listJobVideos(pool, jobId, status, page),

    rejections: (jobId: string, page: { limit: number; offset: number }) => etl.listRejections(pool, jobId, page),
  };
  return service satisfies JobService<AcceptEtlJob, etl.EtlJob, EtlJobFields>;
}
