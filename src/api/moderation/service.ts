import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { ItemKind, Label, Verdict } from '../../domain/moderation';
import { withTransaction } from '../../infra/db/pool';
import * as q from '../../infra/moderation/queries';
import { triggerRetrain } from '../../pipelines/moderation/retrain-schedule';
import type { ModerationSettings } from '../../pipelines/moderation/settings';
import type { moderationBatchWorkflow } from '../../workflows/moderation/batch';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from '../shared/deps';
import type { JobService } from '../shared/job-resource';
import { notFound } from '../shared/problem';
import { startOrGetExisting } from '../shared/start-workflow';
import { jobStatus, type RunState } from '../shared/workflow-status';
import type { BatchFields } from './schemas';

type BatchFieldValues = z.output<z.ZodObject<typeof BatchFields>>;

export interface AcceptBatch {
  id: string;
  items: q.NewItem[];
}

type Page = { limit: number; offset: number };

function countsOf(itemCount: number, counts: q.VerdictCounts): BatchFieldValues['counts'] {
  return { total: itemCount, ...counts };
}

/** What the API does with moderation: every write of a request is one call here, in one transaction. */
export function createModerationService(deps: Pick<ApiDeps, 'pool' | 'temporal'>, settings: ModerationSettings) {
  const { pool, temporal } = deps;
  const find = (id: string) => q.findBatch(pool, id);

  const batches = {
    find,

    /** The batch row and all its items in one transaction; a request that lost the race to its key stores nothing. */
    async accept({ id, items }: AcceptBatch): Promise<q.Batch> {
      await withTransaction(pool, (tx) => q.insertBatch(tx, { id, items }));
      const batch = await find(id);
      if (!batch) throw new Error(`moderation batch ${id} vanished right after it was stored`);
      return batch;
    },

    async start(batch: q.Batch): Promise<boolean> {
      const { created } = await startOrGetExisting<typeof moderationBatchWorkflow>(temporal, 'moderationBatchWorkflow', {
        workflowId: batch.id,
        taskQueue: settings.queue.taskQueue,
        args: [{ itemCount: batch.itemCount, tuning: settings.batch }],
        typedSearchAttributes: [
          { key: PIPELINE, value: 'moderation' },
          { key: BUSINESS_KEY, value: batch.id },
        ],
        staticSummary: `moderation of ${batch.itemCount} items`,
      });
      return created;
    },

    /** Counts straight from PostgreSQL: verdicts are stored as each page finishes. */
    async viewFields(batch: q.Batch, _run: RunState): Promise<BatchFieldValues> {
      const fresh = (await find(batch.id)) ?? batch;
      return {
        counts: countsOf(fresh.itemCount, await q.verdictCounts(pool, batch.id)),
        modelVersion: fresh.modelVersion,
        error: fresh.error,
        createdAt: fresh.createdAt.toISOString(),
        finishedAt: fresh.finishedAt?.toISOString() ?? null,
      };
    },
  };

  return {
    batches: batches satisfies JobService<AcceptBatch, q.Batch, BatchFieldValues>,

    /** Newest batches with their verdict counts; the status is the one the batch recorded. */
    async listBatches(page: Page) {
      const rows = await q.listBatches(pool, page);
      const counts = await q.verdictCountsOf(pool, rows.map((b) => b.id));
      return rows.map((b) => ({ batch: b, counts: countsOf(b.itemCount, counts.get(b.id)!) }));
    },

    batchItems: (batchId: string, filter: { verdict?: Verdict | 'pending' } & Page) => q.batchItems(pool, batchId, filter),

    async item(itemId: string) {
      const submissions = await q.itemSubmissions(pool, itemId);
      if (submissions.length === 0) throw notFound(`Moderation item ${itemId}`);
      return { submissions, feedback: await q.findFeedback(pool, itemId) };
    },

    async feedback(itemId: string, feedback: { label: Label; by: string }) {
      const stored = await q.upsertFeedback(pool, { itemId, ...feedback });
      if (!stored) throw notFound(`Moderation item ${itemId}`);
      return stored;
    },

    reviewQueue: (filter: { kind?: ItemKind } & Page) => q.reviewQueue(pool, filter),

    async models(limit: number) {
      const [versions, current, labels, schedule] = await Promise.all([q.listModels(pool, limit), q.currentModelVersion(pool), q.labelCounts(pool), retrainSchedule()]);
      return { versions, current, labels, schedule };
    },

    async model(version: number) {
      const [row, current] = await Promise.all([q.findModel(pool, version), q.currentModelVersion(pool)]);
      if (!row) throw notFound(`Moderation model version ${version}`);
      return { row, current };
    },

    retrain: () => triggerRetrain(temporal, settings),

    /** A retraining run: Temporal's status and, once trained, the version it produced. */
    async retrainRun(id: string) {
      const [description, model, current] = await Promise.all([
        temporal.workflow
          .getHandle(id)
          .describe()
          .catch((err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return undefined;
            throw err;
          }),
        q.findModelByRetrain(pool, id),
        q.currentModelVersion(pool),
      ]);
      const isRetrain = description?.type === 'moderationRetrainWorkflow';
      if (!isRetrain && !model) throw notFound(`Retraining ${id}`);
      // A run Temporal no longer keeps (past retention) finished: its model row says how.
      return { status: isRetrain ? jobStatus(description!) : ('COMPLETED' as const), model, current };
    },
  };

  async function retrainSchedule() {
    const handle = temporal.schedule.getHandle(settings.retrain.scheduleId);
    const description = await handle.describe().catch(() => undefined);
    return {
      id: settings.retrain.scheduleId,
      exists: description !== undefined,
      nextRunAt: description?.info.nextActionTimes[0]?.toISOString() ?? null,
      paused: description?.state.paused ?? false,
      runningRetrainIds: description?.info.runningActions.map((a) => a.workflow.workflowId) ?? [],
    };
  }
}

export type ModerationService = ReturnType<typeof createModerationService>;
