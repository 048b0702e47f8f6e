import { verdictCountsOf } from '../../infra/moderation/queries';
import type { ApiDeps } from '../shared/deps';
import { countedProgress, type ListedRunKinds } from '../shared/run-list';

/** Moderation batches and retraining runs in the runs list: their resources, and items classified of a batch. */
export function moderationListedRuns(deps: Pick<ApiDeps, 'pool'>): ListedRunKinds {
  return {
    moderationBatchWorkflow: {
      jobPath: (run) => `/api/moderation/batches/${run.workflowId}`,
      progress: (runs) =>
        countedProgress(
          runs,
          (run) => run.workflowId,
          async (ids) =>
            [...(await verdictCountsOf(deps.pool, ids))].map(([id, c]) => {
              const total = c.allow + c.review + c.block + c.pending;
              return { id, total, done: total - c.pending, failed: 0 };
            }),
          'items',
        ),
    },
    moderationRetrainWorkflow: { jobPath: (run) => `/api/moderation/retrains/${run.workflowId}` },
  };
}
