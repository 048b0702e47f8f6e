import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  executeChild,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EtlActivities, ProbeResult, VideoRef } from '../activities/etl';
import { STATUS_DETAIL } from './search-attributes';

export interface EtlTuning {
  /** Videos per child workflow: keeps every history far below Temporal's limits. */
  chunkSize: number;
  chunksInFlight: number;
  /** Videos processed at once inside one chunk. */
  videosInFlight: number;
}

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

const quick = proxyActivities<EtlActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumAttempts: 10 } });
const { stageInput } = proxyActivities<EtlActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['BadInput', 'BadData'] },
  summary: 'parse and validate the input into the staging table',
});
const PROBE_ATTEMPTS = 5;
const TRANSFER_ATTEMPTS = 8;
const { probeVideo } = proxyActivities<EtlActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: PROBE_ATTEMPTS },
  summary: 'probe the URL (resolve .asx playlists)',
});
const { transferVideo } = proxyActivities<EtlActivities>({
  startToCloseTimeout: '2 hours',
  // A stalled or dead download stops heartbeating; the retry resumes with a Range request.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: TRANSFER_ATTEMPTS },
  summary: 'stream the media into object storage',
});

/** A job: stage the input, then process videos in chunks of child workflows, a few at a time. */
export async function etlJobWorkflow(input: EtlJobInput): Promise<EtlJobProgress> {
  const progress: EtlJobProgress = { totalRows: 0, validRows: 0, rejected: 0, chunksDone: 0, chunks: 0, loaded: 0, failed: 0 };
  setHandler(etlProgressQuery, () => progress);
  const running: Promise<void>[] = [];
  try {
    setCurrentDetails('staging input rows');
    Object.assign(progress, await stageInput({ jobId: input.jobId }));
    progress.chunks = Math.ceil(progress.validRows / input.tuning.chunkSize);
    let inFlight = 0;
    for (let from = 0; from < progress.validRows; from += input.tuning.chunkSize) {
      await condition(() => inFlight < input.tuning.chunksInFlight);
      inFlight += 1;
      const chunk = executeChild(etlChunkWorkflow, {
        workflowId: `${workflowInfo().workflowId}-chunk-${from}`,
        args: [{ jobId: input.jobId, from, to: from + input.tuning.chunkSize, videosInFlight: input.tuning.videosInFlight }],
        staticSummary: `videos ${from}–${Math.min(from + input.tuning.chunkSize, progress.validRows) - 1}`,
      }).then((result) => {
        inFlight -= 1;
        progress.chunksDone += 1;
        progress.loaded += result.loaded;
        progress.failed += result.failed;
        setCurrentDetails(`**${progress.chunksDone}/${progress.chunks}** chunks · ${progress.loaded} loaded · ${progress.failed} failed · ${progress.rejected} rows rejected`);
      });
      chunk.catch(() => undefined);
      running.push(chunk);
    }
    await Promise.all(running);
    upsertSearchAttributes([{ key: STATUS_DETAIL, value: progress.failed > 0 ? 'completed_with_failures' : 'completed' }]);
    await quick.finishEtlJob({ jobId: input.jobId, status: 'COMPLETED' });
    return progress;
  } catch (err) {
    const canceled = isCancellation(err);
    await CancellationScope.nonCancellable(async () => {
      await Promise.allSettled(running);
      await quick.finishEtlJob({ jobId: input.jobId, status: canceled ? 'CANCELED' : 'FAILED', error: canceled ? undefined : describe(err) });
    });
    throw err;
  }
}

/** Up to `chunkSize` videos, `videosInFlight` at a time; a video that fails is recorded and the chunk goes on. */
export async function etlChunkWorkflow(input: { jobId: string; from: number; to: number; videosInFlight: number }): Promise<{ loaded: number; failed: number }> {
  const videoIds = await quick.listChunk(input);
  const result = { loaded: 0, failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < videoIds.length) {
      const videoId = videoIds[next++];
      if (await processVideo({ jobId: input.jobId, videoId })) result.loaded += 1;
      else result.failed += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.videosInFlight, videoIds.length) }, lane));
  return result;
}

async function processVideo(ref: VideoRef): Promise<boolean> {
  let probe: ProbeResult | undefined;
  try {
    probe = await probeVideo(ref);
    const transfer = await transferVideo({ ...ref, mediaUrl: probe.mediaUrl });
    await quick.loadVideo({ ...ref, probe, transfer, attempts: transfer.attempt });
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    await quick.recordVideoFailure({ ...ref, error: describe(err), httpStatus: httpStatusOf(err) ?? probe?.httpStatus ?? null, attempts: attemptsOf(err) });
    return false;
  }
}

/** Attempts the failed step made: one when it stopped at once, all of them when retries ran out. */
function attemptsOf(err: unknown): number {
  if (!(err instanceof ActivityFailure) || err.retryState !== 'MAXIMUM_ATTEMPTS_REACHED') return 1;
  return err.activityType === 'transferVideo' ? TRANSFER_ATTEMPTS : PROBE_ATTEMPTS;
}

function httpStatusOf(err: unknown): number | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { status?: number } | undefined) : undefined;
  return details?.status;
}

function describe(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
