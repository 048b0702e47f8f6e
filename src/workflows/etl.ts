import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  executeChild,
  isCancellation,
  patched,
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
const probeRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: PROBE_ATTEMPTS } as const;
const transferRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: TRANSFER_ATTEMPTS } as const;
const probeSummary = 'probe the URL (resolve .asx playlists)';
const transferSummary = 'stream the media into object storage';

/** The activities one video goes through, and their options (the paths below differ in them). */
type VideoSteps = Pick<EtlActivities, 'probeVideo' | 'transferVideo' | 'loadVideo'>;

/** Chunks that predate TRANSFER_SLOTS run every video through these, start to finish, one per lane. */
const laneSteps: VideoSteps = {
  probeVideo: proxyActivities<EtlActivities>({ startToCloseTimeout: '1 minute', retry: probeRetry, summary: probeSummary }).probeVideo,
  transferVideo: proxyActivities<EtlActivities>({
    startToCloseTimeout: '2 hours',
    // A stalled or dead download stops heartbeating; the retry resumes with a Range request.
    heartbeatTimeout: '30 seconds',
    retry: transferRetry,
    summary: transferSummary,
  }).transferVideo,
  loadVideo: quick.loadVideo,
};

/**
 * Chunks since TRANSFER_SLOTS. On cancellation each step is waited for until it has stopped, so a
 * cancelled job ends with nothing of it still running and its counts final.
 */
const WAIT = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
const slotSteps: VideoSteps = {
  probeVideo: proxyActivities<EtlActivities>({ startToCloseTimeout: '1 minute', retry: probeRetry, summary: probeSummary, cancellationType: WAIT }).probeVideo,
  transferVideo: proxyActivities<EtlActivities>({
    startToCloseTimeout: '2 hours',
    // Also how soon a cancellation reaches a download: the worker passes heartbeats on at 80 % of this.
    heartbeatTimeout: '15 seconds',
    retry: transferRetry,
    summary: transferSummary,
    cancellationType: WAIT,
  }).transferVideo,
  loadVideo: proxyActivities<EtlActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumAttempts: 10 }, cancellationType: WAIT }).loadVideo,
};

/**
 * Chunks keep more videos in flight than they transfer at once: while `videosInFlight` downloads
 * run, the other lanes probe their next video or load their last, so a link never idles for the
 * round trips of those short steps. Histories without this marker keep one lane per download.
 */
const TRANSFER_SLOTS = 'etl-transfer-slots';
const LANES_PER_TRANSFER = 2;

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

/** Up to `chunkSize` videos, `videosInFlight` downloads at a time; a video that fails is recorded and the chunk goes on. */
export async function etlChunkWorkflow(input: { jobId: string; from: number; to: number; videosInFlight: number }): Promise<{ loaded: number; failed: number }> {
  const videoIds = await quick.listChunk(input);
  const result = { loaded: 0, failed: 0 };
  const slots = patched(TRANSFER_SLOTS) ? new TransferSlots(input.videosInFlight) : undefined;
  const lanes = slots ? input.videosInFlight * LANES_PER_TRANSFER : input.videosInFlight;
  let next = 0;
  const lane = async () => {
    while (next < videoIds.length) {
      const videoId = videoIds[next++];
      if (await processVideo({ jobId: input.jobId, videoId }, slots)) result.loaded += 1;
      else result.failed += 1;
    }
  };
  if (!slots) {
    await Promise.all(Array.from({ length: Math.min(lanes, videoIds.length) }, lane));
    return result;
  }
  // Workers hold queued transfers of their own; tell them at once that none of this job's may start.
  const stopping = CancellationScope.current().cancelRequested.catch(() => CancellationScope.nonCancellable(() => quick.stopTransfers({ jobId: input.jobId })));
  const running = Array.from({ length: Math.min(lanes, videoIds.length) }, lane);
  // Every lane settles before the chunk ends, so a cancelled chunk leaves no step of it running.
  const failure = (await Promise.allSettled(running)).find((r) => r.status === 'rejected');
  if (failure && isCancellation(failure.reason)) await stopping;
  if (failure) throw failure.reason;
  return result;
}

/** Downloads at once in one chunk; a lane that has probed its video waits here for its turn. */
class TransferSlots {
  private readonly waiting: Array<() => void> = [];

  constructor(private free: number) {}

  async run<T>(step: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await step();
    } finally {
      // Handed straight to the next lane in line, so a freed slot is taken in the same workflow task.
      const nextInLine = this.waiting.shift();
      if (nextInLine) nextInLine();
      else this.free += 1;
    }
  }
}

async function processVideo(ref: VideoRef, slots: TransferSlots | undefined): Promise<boolean> {
  const steps = slots ? slotSteps : laneSteps;
  let probe: ProbeResult | undefined;
  try {
    probe = await steps.probeVideo(ref);
    const mediaUrl = probe.mediaUrl;
    const transfer = slots ? await slots.run(() => steps.transferVideo({ ...ref, mediaUrl })) : await steps.transferVideo({ ...ref, mediaUrl });
    await steps.loadVideo({ ...ref, probe, transfer, attempts: transfer.attempt });
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
