import { ActivityCancellationType, ActivityFailure, ApplicationFailure, CancellationScope, isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import type { EtlActivities, ProbeResult, StoredVideo, TransferOutcome, VideoRef, VideoToLoad } from '../../activities/etl';
import { failureMessage } from '../shared/failures';
import { Batcher, BatchedTurns, TransferSlots } from './batching';

const quick = proxyActivities<EtlActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumAttempts: 10 } });
const PROBE_ATTEMPTS = 5;
const TRANSFER_ATTEMPTS = 8;
const probeRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: PROBE_ATTEMPTS } as const;
const transferRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: TRANSFER_ATTEMPTS } as const;
const probeSummary = 'probe the URL (resolve .asx playlists)';
const transferSummary = 'stream the media into object storage';

/** Chunks that predate PIPELINED_CHUNK run every video through these, start to finish, one lane per download. */
const laneSteps = {
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
 * Chunks since PIPELINED_CHUNK. On cancellation each step is waited for until it has stopped, so
 * a cancelled job ends with nothing of it still running and its counts final.
 */
const WAIT = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
const LOAD_ATTEMPTS = 10;
const pipelineSteps = {
  probeVideos: proxyActivities<EtlActivities>({ startToCloseTimeout: '2 minutes', retry: probeRetry, summary: 'probe a batch of URLs', cancellationType: WAIT }).probeVideos,
  probeVideo: proxyActivities<EtlActivities>({ startToCloseTimeout: '1 minute', retry: probeRetry, summary: probeSummary, cancellationType: WAIT }).probeVideo,
  transferVideo: proxyActivities<EtlActivities>({
    startToCloseTimeout: '2 hours',
    // Also how soon a cancellation reaches a download: the worker passes heartbeats on at 80 % of this.
    heartbeatTimeout: '15 seconds',
    retry: transferRetry,
    summary: transferSummary,
    cancellationType: WAIT,
  }).transferVideo,
  transferVideos: proxyActivities<EtlActivities>({
    startToCloseTimeout: '2 hours',
    // The worker's death shows here; a stalled download fails on its own (the fetch's idle timeout).
    heartbeatTimeout: '15 seconds',
    // Never retried as a batch: a video it did not store is transferred on its own, with retries.
    retry: { maximumAttempts: 1 },
    summary: 'stream a few small videos into object storage',
    cancellationType: WAIT,
  }).transferVideos,
  loadVideos: proxyActivities<EtlActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumAttempts: LOAD_ATTEMPTS },
    summary: 'load a batch of videos',
    cancellationType: WAIT,
  }).loadVideos,
};

/**
 * Every activity call costs the Temporal server a few writes, and those, not the links, were what
 * bounded throughput. So a chunk probes and loads in batches, and keeps more videos in flight than
 * it downloads at once: while `videosInFlight` transfers run (or wait at a worker for a free
 * connection), the other lanes probe their next video or load their last. Histories without this
 * marker keep one lane per download and one activity per step.
 */
const PIPELINED_CHUNK = 'etl-pipelined-chunk';
const LANES_PER_TRANSFER = 3;
const MAX_BATCH = 50;

/**
 * Chunks since this marker download small videos (as their probe announced them) several to an
 * activity: per file, a transfer activity's round trip on the Temporal server and in the SDK cost
 * as much as downloading ~8 MB (bench:etl: 10 MB files went from 48–49 % to 61–65 % of the
 * durable baseline). Large ones keep an activity each, with its heartbeats and its resume.
 */
const BATCHED_TRANSFERS = 'etl-batched-transfers';
const TRANSFER_BATCH = 8;
const BATCHABLE_BYTES = 16 * 1024 * 1024;

/** Up to `chunkSize` videos, `videosInFlight` downloads at a time; a video that fails is recorded and the chunk goes on. */
export async function etlChunkWorkflow(input: { jobId: string; from: number; to: number; videosInFlight: number }): Promise<{ loaded: number; failed: number }> {
  const videoIds = await quick.listChunk(input);
  return patched(PIPELINED_CHUNK) ? pipelinedChunk(input, videoIds) : laneChunk(input, videoIds);
}

async function laneChunk(input: { jobId: string; videosInFlight: number }, videoIds: string[]): Promise<{ loaded: number; failed: number }> {
  const result = { loaded: 0, failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < videoIds.length) {
      const videoId = videoIds[next++];
      if (await laneVideo({ jobId: input.jobId, videoId })) result.loaded += 1;
      else result.failed += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.videosInFlight, videoIds.length) }, lane));
  return result;
}

async function laneVideo(ref: VideoRef): Promise<boolean> {
  let probe: ProbeResult | undefined;
  try {
    probe = await laneSteps.probeVideo(ref);
    const transfer = await laneSteps.transferVideo({ ...ref, mediaUrl: probe.mediaUrl });
    await laneSteps.loadVideo({ ...ref, probe, transfer, attempts: transfer.attempt });
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    return recordFailure(ref, failureMessage(err), httpStatusOf(err) ?? probe?.httpStatus ?? null, attemptsOf(err));
  }
}

async function pipelinedChunk(input: { jobId: string; videosInFlight: number }, videoIds: string[]): Promise<{ loaded: number; failed: number }> {
  const { jobId } = input;
  const transfers = patched(BATCHED_TRANSFERS) ? batchedTransfers(jobId, input.videosInFlight) : singleTransfers(jobId, input.videosInFlight);
  const probes = new Batcher((ids: string[]) => pipelineSteps.probeVideos({ jobId, videoIds: ids }), { maxBatch: MAX_BATCH });
  // Nothing waits on a load but its lane: while downloads still run, collect a few before writing.
  // A downloaded video is finished work, so it is loaded even when the job is being cancelled.
  const loads = new Batcher(
    async (videos: VideoToLoad[]) => {
      await CancellationScope.nonCancellable(() => pipelineSteps.loadVideos({ jobId, videos }));
      return videos.map(() => undefined);
    },
    { maxBatch: MAX_BATCH, holdWhile: (pending) => pending < input.videosInFlight && transfers.running > 0, maxHold: '5 seconds' },
  );

  const video = async (videoId: string): Promise<boolean> => {
    const ref = { jobId, videoId };
    let probe: ProbeResult | undefined;
    try {
      const outcome = await probes.call(videoId);
      if (outcome.failure && !outcome.failure.retryable) return await recordFailure(ref, outcome.failure.message, outcome.failure.httpStatus ?? null, 1);
      // A URL that hiccuped in the batch gets the single probe and its retries.
      probe = outcome.result ?? (await pipelineSteps.probeVideo(ref));
      const transfer = await transfers.transfer(videoId, probe);
      await loads.call({ videoId, probe, transfer, attempts: transfer.attempt });
      return true;
    } catch (err) {
      if (isCancellation(err)) throw err;
      return recordFailure(ref, failureMessage(err), httpStatusOf(err) ?? probe?.httpStatus ?? null, attemptsOf(err));
    }
  };

  const result = { loaded: 0, failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < videoIds.length) {
      if (await video(videoIds[next++])) result.loaded += 1;
      else result.failed += 1;
    }
  };
  // Workers hold queued transfers of their own; tell them at once that none of this job's may start.
  const stopping = CancellationScope.current().cancelRequested.catch(() => CancellationScope.nonCancellable(() => quick.stopTransfers({ jobId })));
  const lanes = Array.from({ length: Math.min(input.videosInFlight * LANES_PER_TRANSFER, videoIds.length) }, lane);
  // Every lane settles before the chunk ends, so a cancelled chunk leaves no step of it running.
  const failure = (await Promise.allSettled(lanes)).find((r) => r.status === 'rejected');
  if (failure && isCancellation(failure.reason)) await stopping;
  if (failure) throw failure.reason;
  return result;
}

interface Transfers {
  transfer(videoId: string, probe: ProbeResult): Promise<StoredVideo>;
  /** Videos being transferred now. */
  readonly running: number;
}

/** Chunks before BATCHED_TRANSFERS: an activity per video, `videosInFlight` at a time. */
function singleTransfers(jobId: string, videosInFlight: number): Transfers {
  const slots = new TransferSlots(videosInFlight);
  return {
    transfer: (videoId, probe) => slots.run(() => pipelineSteps.transferVideo({ jobId, videoId, mediaUrl: probe.mediaUrl })),
    get running() {
      return slots.running;
    },
  };
}

/**
 * Small videos several to an activity; one that its batch did not store goes again on its own. A
 * batch ends with its slowest video, so it holds videos of one size class only (powers of two).
 */
function batchedTransfers(jobId: string, videosInFlight: number): Transfers {
  type Video = { videoId: string; mediaUrl: string; sizeBytes?: number; alone?: boolean };
  const sizeClass = ({ sizeBytes, alone }: Video) =>
    alone || sizeBytes === undefined || sizeBytes > BATCHABLE_BYTES ? undefined : String(Math.floor(Math.log2(Math.max(1, sizeBytes))));
  const turns = new BatchedTurns(videosInFlight, TRANSFER_BATCH, sizeClass, async (videos: Video[]): Promise<TransferOutcome[]> => {
    const [first] = videos;
    if (videos.length === 1) return [{ videoId: first.videoId, transfer: await pipelineSteps.transferVideo({ jobId, videoId: first.videoId, mediaUrl: first.mediaUrl }) }];
    try {
      return await pipelineSteps.transferVideos({ jobId, videos: videos.map(({ videoId, mediaUrl }) => ({ videoId, mediaUrl })) });
    } catch (err) {
      if (isCancellation(err)) throw err;
      return videos.map(({ videoId }) => ({ videoId, failure: failureMessage(err) }));
    }
  });
  return {
    async transfer(videoId, probe) {
      const video = { videoId, mediaUrl: probe.mediaUrl, sizeBytes: probe.sizeBytes };
      const outcome = await turns.call(video);
      return outcome.transfer ?? (await turns.call({ ...video, alone: true })).transfer!;
    },
    get running() {
      return turns.running;
    },
  };
}

async function recordFailure(ref: VideoRef, error: string, httpStatus: number | null, attempts: number): Promise<false> {
  await quick.recordVideoFailure({ ...ref, error, httpStatus, attempts });
  return false;
}

/** Attempts the failed step made: one when it stopped at once, all of them when retries ran out. */
function attemptsOf(err: unknown): number {
  if (!(err instanceof ActivityFailure) || err.retryState !== 'MAXIMUM_ATTEMPTS_REACHED') return 1;
  if (err.activityType === 'transferVideo') return TRANSFER_ATTEMPTS;
  return err.activityType === 'loadVideos' ? LOAD_ATTEMPTS : PROBE_ATTEMPTS;
}

function httpStatusOf(err: unknown): number | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { status?: number } | undefined) : undefined;
  return details?.status;
}
