import {
  CancellationScope,
  continueAsNew,
  defineQuery,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ModerationActivities, PageCounts } from '../../activities/moderation';
import type { ModerationBatchTuning } from '../../pipelines/moderation/settings';
import { FanOut } from '../shared/fan-out';
import { failureMessage } from '../shared/failures';
import { STATUS_DETAIL } from '../shared/search-attributes';

export interface ModerationBatchInput {
  /** Items stored with the batch (positions 0 … itemCount − 1). */
  itemCount: number;
  tuning: ModerationBatchTuning;
  /** Carried across continue-as-new. */
  progress?: ModerationBatchProgress;
}

export interface ModerationBatchProgress {
  /** The model every item of the batch is classified with. */
  modelVersion: number;
  /** First position not yet handed to a page. */
  cursor: number;
  pagesDone: number;
  counts: PageCounts;
}

export const moderationProgressQuery = defineQuery<ModerationBatchProgress & { pagesInFlight: number }>('progress');

const BOOKKEEPING_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 } as const;
const bookkeeping = proxyActivities<ModerationActivities>({ startToCloseTimeout: '2 minutes', retry: BOOKKEEPING_RETRY });

interface Page {
  from: number;
  to: number;
}

/** Up to `limit` pages of `size` positions from `from` on (the last one may reach past `total`). */
function pages(from: number, total: number, size: number, limit: number): Page[] {
  const out: Page[] = [];
  for (let start = from; start < total && out.length < limit; start += size) out.push({ from: start, to: start + size });
  return out;
}

/**
 * A batch of stored items: the model is fixed once, then pages of `itemsPerActivity` positions go
 * to activities, a few at a time. Only positions travel; the items are read and their verdicts
 * written by the activity, once per item, so a page retried after a crash finishes what its first
 * attempt left and counts what is stored.
 */
export async function moderationBatchWorkflow(input: ModerationBatchInput): Promise<ModerationBatchProgress> {
  const { tuning } = input;
  const batchId = workflowInfo().workflowId;
  const { classifyPage } = proxyActivities<ModerationActivities>({
    startToCloseTimeout: '5 minutes',
    // A killed worker stops heartbeating; its page is retried by another.
    heartbeatTimeout: `${tuning.heartbeatTimeoutSeconds} seconds`,
    retry: { ...BOOKKEEPING_RETRY, maximumAttempts: 10 },
    summary: 'classify a page of items',
  });
  const state: ModerationBatchProgress = input.progress ?? { modelVersion: 0, cursor: 0, pagesDone: 0, counts: { allow: 0, review: 0, block: 0 } };
  const fanOut = new FanOut({
    from: state.cursor,
    nextPage: async (from: number, limit: number) => pages(from, input.itemCount, tuning.itemsPerActivity, limit),
    cursorAfter: (page: Page) => page.to,
    maxInFlight: tuning.activitiesInFlight,
    perRun: tuning.activitiesPerRun,
    runChild: (page) => classifyPage({ batchId, ...page, modelVersion: state.modelVersion }),
    onResult: (counts: PageCounts) => {
      state.pagesDone += 1;
      for (const verdict of ['allow', 'review', 'block'] as const) state.counts[verdict] += counts[verdict];
      report();
    },
  });
  const report = () =>
    setCurrentDetails(`**${state.counts.allow + state.counts.review + state.counts.block}/${input.itemCount}** items · model v${state.modelVersion} · ${state.counts.block} blocked · ${state.counts.review} to review`);
  setHandler(moderationProgressQuery, () => ({ ...state, cursor: fanOut.cursor, pagesInFlight: fanOut.inFlight }));

  let more = false;
  try {
    if (!input.progress) state.modelVersion = (await bookkeeping.startBatch({ batchId })).modelVersion;
    report();
    more = (await fanOut.run()).more;
    if (!more) {
      upsertSearchAttributes([{ key: STATUS_DETAIL, value: 'completed' }]);
      await bookkeeping.finishBatch({ batchId, status: 'COMPLETED' });
    }
  } catch (err) {
    const canceled = isCancellation(err);
    await CancellationScope.nonCancellable(() =>
      bookkeeping.finishBatch({ batchId, status: canceled ? 'CANCELED' : 'FAILED', error: canceled ? undefined : failureMessage(err) }),
    );
    throw err;
  }
  // Long batches go on in a fresh run, so the history stays short.
  if (more) await continueAsNew<typeof moderationBatchWorkflow>({ ...input, progress: { ...state, cursor: fanOut.cursor } });
  return state;
}
