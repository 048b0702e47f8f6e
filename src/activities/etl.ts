import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { Agent } from 'undici';
import type { Config } from '../config';
import { InvalidPlaylistError, isAsxUrl, parseAsxPlaylist, playableRefs, storageKeyFor } from '../domain/etl';
import * as etl from '../infra/db/queries/etl';
import { openRemote, RemoteFetchError } from '../infra/http/fetch-remote';
import { UnsafeUrlError } from '../infra/http/url-guard';
import type { ObjectStore } from '../infra/storage';
import { classified } from './failures';
import { HostSlots } from './etl-host-slots';
import { stageInput } from './etl-stage';
import { transferToStorage, type TransferResult } from './etl-transfer';

export interface VideoRef {
  jobId: string;
  videoId: string;
}

export interface ProbeResult {
  httpStatus: number;
  /** The media to download: the URL itself, or the first playable entry of an .asx playlist. */
  mediaUrl: string;
  resolvedFromPlaylist: boolean;
}

const PLAYLIST_MAX_BYTES = 1024 * 1024;
const PROBE_CONNECTIONS_PER_HOST = 2;

async function readText(body: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw ApplicationFailure.nonRetryable(`playlist larger than ${maxBytes} bytes`, 'BadPlaylist');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** 404/410 and other client errors will not heal: stop at once, keeping the status for the record. */
function probeFailure(err: unknown): unknown {
  if (err instanceof UnsafeUrlError) return ApplicationFailure.nonRetryable(err.message, 'UnsafeUrl');
  if (err instanceof RemoteFetchError && err.status !== undefined && err.status >= 400 && err.status < 500) {
    return ApplicationFailure.create({ message: err.message, type: 'HttpClientError', nonRetryable: true, details: [{ status: err.status }] });
  }
  return err;
}

/**
 * A playlist entry that cannot play whatever we do: the next entry is tried instead. A 5xx or a
 * reset is not one of these; it fails the probe so the retry asks the same entry again, rather
 * than settling for a fallback clip because the main one hiccuped.
 */
function isDeadEntry(err: unknown): boolean {
  return err instanceof UnsafeUrlError || (err instanceof RemoteFetchError && err.status !== undefined && err.status >= 400 && err.status < 500);
}

export function createEtlActivities(deps: { pool: Pool; store: ObjectStore; config: Config }) {
  const { pool, store, config } = deps;
  // Bounded downloads per host: the original's 50 threads on one link were the outage.
  const downloads = new HostSlots(config.etl.connectionsPerHost);
  const dispatcher = new Agent({ connections: config.etl.connectionsPerHost });
  // Probes (HEAD, playlists) have connections of their own, so a long download never holds one up past its timeout.
  const probeDispatcher = new Agent({ connections: PROBE_CONNECTIONS_PER_HOST });
  const fetchOptions = { ...config.fetch };

  async function probe(url: string, depth: number): Promise<ProbeResult & { skipped?: string[] }> {
    let remote = await openRemote(new URL(url), { ...fetchOptions, dispatcher: probeDispatcher, method: isAsxUrl(url) ? 'GET' : 'HEAD' });
    if (isAsxUrl(remote.finalUrl.href, remote.contentType)) {
      if (depth > 0) throw ApplicationFailure.nonRetryable('a playlist points at another playlist', 'BadPlaylist');
      // Recognised only by its content type after a HEAD: fetch the playlist itself.
      if (!isAsxUrl(url)) remote = await openRemote(new URL(url), { ...fetchOptions, dispatcher: probeDispatcher });
      let refs: string[];
      try {
        refs = playableRefs(parseAsxPlaylist(await readText(remote.body, PLAYLIST_MAX_BYTES), remote.finalUrl.href));
      } catch (err) {
        if (err instanceof InvalidPlaylistError) throw ApplicationFailure.nonRetryable(err.message, 'BadPlaylist');
        throw err;
      }
      return { ...(await firstAnswering(refs, depth + 1)), resolvedFromPlaylist: true };
    }
    remote.body.resume();
    return { httpStatus: remote.status, mediaUrl: remote.finalUrl.href, resolvedFromPlaylist: false };
  }

  /** Entries in order; the first that answers is the media. Only when none does, the last failure stands. */
  async function firstAnswering(refs: string[], depth: number): Promise<ProbeResult & { skipped: string[] }> {
    const skipped: string[] = [];
    for (const ref of refs) {
      try {
        return { ...(await probe(ref, depth)), skipped };
      } catch (err) {
        if (!isDeadEntry(err) || skipped.length === refs.length - 1) throw err;
        skipped.push(`${ref}: ${(err as Error).message}`);
      }
    }
    throw new Error('unreachable: a playlist has at least one playable ref');
  }

  return {
    stageInput: classified(async (input: { jobId: string }) => stageInput(pool, store, input.jobId)),

    listChunk: classified(async (input: { jobId: string; from: number; to: number }) => etl.videosInRange(pool, input.jobId, input.from, input.to)),

    probeVideo: classified(async (ref: VideoRef): Promise<ProbeResult> => {
      const video = await etl.findJobVideo(pool, ref.jobId, ref.videoId);
      if (!video) throw ApplicationFailure.nonRetryable(`video ${ref.videoId} is not staged in ${ref.jobId}`, 'BadData');
      try {
        const { skipped, ...result } = await probe(video.source_url, 0);
        await etl.logVideoEvent(pool, ref.jobId, ref.videoId, result.resolvedFromPlaylist ? 'resolved' : 'probed', { ...result, ...(skipped?.length ? { skipped } : {}) });
        return result;
      } catch (err) {
        throw probeFailure(err);
      }
    }),

    transferVideo: classified(async (input: VideoRef & { mediaUrl: string }): Promise<TransferResult & { attempt: number }> => {
      const context = Context.current();
      const key = storageKeyFor(input.jobId, input.videoId);
      const { attempt, heartbeatDetails } = context.info;
      // Waiting for a slot is progress too; the details are passed on so a resume still finds them.
      const release = await downloads.acquire(new URL(input.mediaUrl).host, context.cancellationSignal, () => context.heartbeat(heartbeatDetails));
      let result: TransferResult;
      try {
        const events = attempt === 1 ? [{ event: 'download_started', detail: { attempt } }] : [{ event: 'download_retried', detail: { attempt } }, { event: 'resuming', detail: { attempt } }];
        if (!(await etl.logTransferStart(pool, input.jobId, input.videoId, events))) {
          throw ApplicationFailure.nonRetryable(`job ${input.jobId} is being cancelled; ${input.videoId} is not downloaded`, 'JobCanceled');
        }
        result = await transferToStorage({ store, fetch: fetchOptions, dispatcher, maxBytes: config.etl.maxFileBytes }, input.mediaUrl, key);
      } finally {
        release();
      }
      await etl.recordDownloaded(pool, input.jobId, input.videoId, attempt, { ...result, attempt });
      return { ...result, attempt };
    }),

    loadVideo: classified(async (input: VideoRef & { probe: ProbeResult; transfer: TransferResult; attempts: number }) => {
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
    }),

    recordVideoFailure: classified(async (input: VideoRef & { error: string; httpStatus: number | null; attempts: number }) => {
      const video = { ...input, resolvedUrl: null, storageKey: null, sizeBytes: null, sha256: null, status: 'FAILED' as const };
      await etl.recordVideoOutcome(pool, video, { error: input.error, event: 'failed', detail: { error: input.error, httpStatus: input.httpStatus } });
    }),

    stopTransfers: classified(async (input: { jobId: string }) => etl.markEtlJobCanceling(pool, input.jobId)),

    finishEtlJob: classified(async (input: { jobId: string; status: string; error?: string }) => etl.finishEtlJob(pool, input.jobId, input.status, input.error)),
  };
}

export type EtlActivities = ReturnType<typeof createEtlActivities>;
