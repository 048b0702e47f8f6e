import {
  CancellationScope,
  defineQuery,
  executeChild,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EtlActivities } from '../../activities/etl';
import type { EtlTuning } from '../../pipelines/etl/settings';
import { FanOut } from '../shared/fan-out';
import { failureMessage } from '../shared/failures';
import { STATUS_DETAIL } from '../shared/search-attributes';
import { etlChunkWorkflow } from './chunk';

export interface EtlJobInput {
  jobId: string;
  tuning: EtlTuning;
}

export interface EtlJobProgress {
  totalRows: number;
  validRows: number;
  rejected: number;
  chunksDone: number;
  chunks: number;
  loaded: number;
  failed: number;
}

export const etlProgressQuery = defineQuery<EtlJobProgress>('progress');

const { finishEtlJob } = proxyActivities<EtlActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumAttempts: 10 } });
const { stageInput } = proxyActivities<EtlActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  // A bad input arrives marked non-retryable and fails the job at once.
  retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
  summary: 'parse and validate the input into the staging table',
});

/** A range of staged rows, by position: [from, to). */
interface RowRange {
  from: number;
  to: number;
}

/** A job: stage the input, then process videos in chunks of child workflows, a few at a time. */
export async function etlJobWorkflow(input: EtlJobInput): Promise<EtlJobProgress> {
  const { chunkSize, chunksInFlight, videosInFlight } = input.tuning;
  const progress: EtlJobProgress = { totalRows: 0, validRows: 0, rejected: 0, chunksDone: 0, chunks: 0, loaded: 0, failed: 0 };
  setHandler(etlProgressQuery, () => progress);
  const chunks = new FanOut({
    from: 0,
    // Staging counted the rows, so the chunks are known without asking the database again.
    nextPage: async (from: number, limit: number) => rowRanges(from, progress.validRows, chunkSize, limit),
    cursorAfter: (range: RowRange) => range.to,
    maxInFlight: chunksInFlight,
    runChild: ({ from, to }) =>
      executeChild(etlChunkWorkflow, {
        workflowId: `${workflowInfo().workflowId}-chunk-${from}`,
        args: [{ jobId: input.jobId, from, to, videosInFlight }],
        staticSummary: `videos ${from}–${Math.min(to, progress.validRows) - 1}`,
      }),
    onResult: (result) => {
      progress.chunksDone += 1;
      progress.loaded += result.loaded;
      progress.failed += result.failed;
      setCurrentDetails(`**${progress.chunksDone}/${progress.chunks}** chunks · ${progress.loaded} loaded · ${progress.failed} failed · ${progress.rejected} rows rejected`);
    },
  });
  try {
    setCurrentDetails('staging input rows');
    Object.assign(progress, await stageInput({ jobId: input.jobId }));
    progress.chunks = Math.ceil(progress.validRows / chunkSize);
    await chunks.run();
    upsertSearchAttributes([{ key: STATUS_DETAIL, value: progress.failed > 0 ? 'completed_with_failures' : 'completed' }]);
    await finishEtlJob({ jobId: input.jobId, status: 'COMPLETED' });
    return progress;
  } catch (err) {
    const canceled = isCancellation(err);
    await CancellationScope.nonCancellable(() =>
      finishEtlJob({ jobId: input.jobId, status: canceled ? 'CANCELED' : 'FAILED', error: canceled ? undefined : failureMessage(err) }),
    );
    throw err;
  }
}

/** Up to `limit` ranges of `size` rows from `from` on; the last one may reach past `total`. */
function rowRanges(from: number, total: number, size: number, limit: number): RowRange[] {
  const ranges: RowRange[] = [];
  for (let start = from; start < total && ranges.length < limit; start += size) ranges.push({ from: start, to: start + size });
  return ranges;
}
