import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { FetchConfig } from '../../config/platform';
import { storageKeyFor } from '../../domain/etl';
import * as etl from '../../infra/etl/queries';
import { createGuardedAgent } from '../../infra/http/guarded-agent';
import type { ObjectStore } from '../../infra/storage';
import type { EtlSettings } from '../../pipelines/etl/settings';
import { FAILURE_TYPES, knownFailure } from '../shared/failure-types';
import { HostSlots } from './host-slots';
import { createProber, describeProbeFailure, type ProbeFinding, type ProbeOutcome, type ProbeResult } from './probe';
import { stageInput } from './stage';
import { heartbeatQuietUntil, transferToStorage, type TransferResult } from '../shared/transfer-to-storage';

export type { ProbeOutcome, ProbeResult } from './probe';

export interface VideoRef {
  jobId: string;
  videoId: string;
}

/** A transferred video, and the attempt of its activity that stored it. */
export type StoredVideo = TransferResult & { attempt: number };

/** How one video of a batched transfer ended, so a batch never fails for one video. */
export interface TransferOutcome {
  videoId: string;
  transfer?: StoredVideo;
  /** Why it was not stored; the workflow then transfers it on its own, with retries. */
  failure?: string;
}

/** What loading a video needs from the steps before it. */
export interface VideoToLoad {
  videoId: string;
  probe: ProbeResult;
  transfer: TransferResult;
  attempts: number;
}

const resultOf = ({ httpStatus, mediaUrl, resolvedFromPlaylist, sizeBytes }: ProbeFinding): ProbeResult => ({
  httpStatus,
  mediaUrl,
  resolvedFromPlaylist,
  ...(sizeBytes === undefined ? {} : { sizeBytes }),
});

const probeEvent = (videoId: string, finding: ProbeFinding) => ({
  videoId,
  event: finding.resolvedFromPlaylist ? 'resolved' : 'probed',
  detail: { ...resultOf(finding), ...(finding.skipped?.length ? { skipped: finding.skipped } : {}) },
});

/** Well inside the batch's start-to-close timeout (2 minutes), leaving room for its database writes. */
const PROBE_BATCH_DEADLINE_MS = 45_000;

export function createEtlActivities(deps: { pool: Pool; store: ObjectStore; fetch: FetchConfig; settings: EtlSettings }) {
  const { pool, store, settings } = deps;
  // Bounded downloads per host: the original's 50 threads on one link were the outage.
  const downloads = new HostSlots(settings.connectionsPerHost);
  const dispatcher = createGuardedAgent({ allow: deps.fetch.allowEndpoints, connections: settings.connectionsPerHost });
  const fetchOptions = { ...deps.fetch };
  const prober = createProber(fetchOptions);

  /** One video from its media URL into the store, on this activity's attempt; recorded as downloaded. */
  async function transferOne(jobId: string, video: { videoId: string; mediaUrl: string }): Promise<StoredVideo> {
    const context = Context.current();
    const key = storageKeyFor(jobId, video.videoId);
    const { attempt, heartbeatDetails } = context.info;
    const quietUntil = heartbeatQuietUntil(context);
    // Waiting for a slot is progress too; the details are passed on so a resume still finds them.
    const release = await downloads.acquire(new URL(video.mediaUrl).host, context.cancellationSignal, () => {
      if (Date.now() >= quietUntil) context.heartbeat(heartbeatDetails);
    });
    let result: TransferResult;
    let started: Promise<void> | undefined;
    try {
      // Checked after the slot is ours, so a transfer that waited in line never begins once the
      // job is cancelled; a read, because the slot is idle while we ask. The start's events are
      // written while the download runs: their commit took ~45 ms a file on a busy disk, a tenth
      // of a 10 MB transfer (bench:etl), and nothing waits on them but the `downloaded` that follows.
      if (!(await etl.transfersAllowed(pool, jobId))) {
        throw knownFailure(FAILURE_TYPES.jobCanceled, `job ${jobId} is being cancelled; ${video.videoId} is not downloaded`);
      }
      const events = attempt === 1 ? [{ event: 'download_started', detail: { attempt } }] : [{ event: 'download_retried', detail: { attempt } }, { event: 'resuming', detail: { attempt } }];
      started = etl.logVideoEvents(pool, jobId, video.videoId, events);
      // Should the download fail first, its error is the one reported; this one only must not go unhandled.
      started.catch(() => undefined);
      result = await transferToStorage({ store, fetch: fetchOptions, dispatcher, maxBytes: settings.maxFileBytes, contentType: 'video/mp4', quietUntil }, video.mediaUrl, key, release);
    } finally {
      release();
    }
    await started;
    await etl.recordDownloaded(pool, jobId, video.videoId, attempt, { ...result, attempt });
    return { ...result, attempt };
  }

  return {
    stageInput: async (input: { jobId: string }) => stageInput(pool, store, input.jobId),

    listChunk: async (input: { jobId: string; from: number; to: number }) => etl.videosInRange(pool, input.jobId, input.from, input.to),

    probeVideo: async (ref: VideoRef): Promise<ProbeResult> => {
      const video = await etl.findJobVideo(pool, ref.jobId, ref.videoId);
      if (!video) throw knownFailure(FAILURE_TYPES.badData, `video ${ref.videoId} is not staged in ${ref.jobId}`);
      const finding = await prober.probe(video.sourceUrl);
      const { event, detail } = probeEvent(ref.videoId, finding);
      await etl.logVideoEvent(pool, ref.jobId, ref.videoId, event, detail);
      return resultOf(finding);
    },

    /**
     * Probes several videos at once: one Temporal round trip and one event insert for all of them.
     * One URL's failure is its outcome, not the batch's; a retryable one is retried by `probeVideo`.
     * A slow host cannot hold the batch up: what has not answered by the deadline goes that way too.
     */
    probeVideos: async (input: { jobId: string; videoIds: string[] }): Promise<ProbeOutcome[]> => {
      const sources = await etl.jobVideoSources(pool, input.jobId, input.videoIds);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, PROBE_BATCH_DEADLINE_MS)));
      const late = { message: `no answer within the batch's ${PROBE_BATCH_DEADLINE_MS / 1000} s`, retryable: true };
      try {
        const findings = await Promise.all(
          input.videoIds.map(async (videoId): Promise<ProbeOutcome & { finding?: ProbeFinding }> => {
            const url = sources.get(videoId);
            if (url === undefined) return { videoId, failure: { message: `video ${videoId} is not staged in ${input.jobId}`, retryable: false } };
            // Never rejects, so one left behind by the deadline ends quietly on its own timeout.
            const probed = prober.probe(url).then(
              (finding) => ({ videoId, finding, result: resultOf(finding) }),
              (err: unknown) => ({ videoId, failure: describeProbeFailure(err) }),
            );
            return Promise.race([probed, deadline.then(() => ({ videoId, failure: late }))]);
          }),
        );
        await etl.logJobEvents(pool, input.jobId, findings.flatMap((f) => (f.finding ? [probeEvent(f.videoId, f.finding)] : [])));
        return findings.map(({ finding: _, ...outcome }) => outcome);
      } finally {
        clearTimeout(timer);
      }
    },

    transferVideo: async (input: VideoRef & { mediaUrl: string }): Promise<StoredVideo> => transferOne(input.jobId, input),

    /**
     * Downloads several small videos in one activity, at once: one Temporal round trip for all of
     * them. One video's failure is its outcome, not the batch's; the workflow gives it a transfer
     * of its own, with the retry policy. The batch is never retried itself (nor resumed: its
     * heartbeats mix its videos' offsets), so a batch that dies leaves every video to that path too.
     */
    transferVideos: async (input: { jobId: string; videos: Array<{ videoId: string; mediaUrl: string }> }): Promise<TransferOutcome[]> => {
      const settled = await Promise.allSettled(input.videos.map((video) => transferOne(input.jobId, video)));
      const { cancellationSignal } = Context.current();
      if (cancellationSignal.aborted) throw cancellationSignal.reason;
      const outcomes = settled.map((s, i): TransferOutcome => {
        const { videoId } = input.videos[i];
        return s.status === 'fulfilled' ? { videoId, transfer: s.value } : { videoId, failure: s.reason instanceof Error ? s.reason.message : String(s.reason) };
      });
      const failed = outcomes.flatMap(({ videoId, failure }) => (failure === undefined ? [] : [{ videoId, event: 'download_failed', detail: { error: failure, next: 'a transfer of its own' } }]));
      await etl.logJobEvents(pool, input.jobId, failed);
      return outcomes;
    },

    loadVideo: async (input: VideoRef & { probe: ProbeResult; transfer: TransferResult; attempts: number }) => {
      const video = {
        jobId: input.jobId,
        videoId: input.videoId,
        resolvedUrl: input.probe.mediaUrl,
        httpStatus: input.probe.httpStatus,
        storageKey: input.transfer.storageKey,
        sizeBytes: input.transfer.size,
        sha256: input.transfer.sha256,
        status: 'LOADED' as const,
        attempts: input.attempts,
      };
      await etl.recordVideoOutcome(pool, video, { event: 'loaded', detail: {} });
    },

    /** Loads several transferred videos in one statement: one commit, one round trip. */
    loadVideos: async (input: { jobId: string; videos: VideoToLoad[] }) => {
      await etl.recordLoadedVideos(
        pool,
        input.jobId,
        input.videos.map((v) => ({
          videoId: v.videoId,
          resolvedUrl: v.probe.mediaUrl,
          httpStatus: v.probe.httpStatus,
          storageKey: v.transfer.storageKey,
          sizeBytes: v.transfer.size,
          sha256: v.transfer.sha256,
          attempts: v.attempts,
        })),
      );
    },

    recordVideoFailure: async (input: VideoRef & { error: string; httpStatus: number | null; attempts: number }) => {
      const video = { ...input, resolvedUrl: null, storageKey: null, sizeBytes: null, sha256: null, status: 'FAILED' as const };
      await etl.recordVideoOutcome(pool, video, { error: input.error, event: 'failed', detail: { error: input.error, httpStatus: input.httpStatus } });
    },

    stopTransfers: async (input: { jobId: string }) => etl.markEtlJobCanceling(pool, input.jobId),

    finishEtlJob: async (input: { jobId: string; status: string; error?: string }) => etl.finishEtlJob(pool, input.jobId, input.status, input.error),
  };
}

export type EtlActivities = ReturnType<typeof createEtlActivities>;
