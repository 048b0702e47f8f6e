import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import type { FetchPolicy } from '../../infra/http/fetch-remote';
import type { SourceIdentity } from '../../infra/http/resume-check';
import type { ObjectStore, PutResult } from '../../infra/storage';
import { FAILURE_TYPES, knownFailure } from './failure-types';
import { openContinuing, type ResumePoint } from './open-continuing';

export interface TransferResult {
  storageKey: string;
  size: number;
  sha256: string;
  /** Byte offset this attempt resumed from (0 = from the start). */
  resumedFrom: number;
  httpStatus: number;
  /** Why this attempt started over instead of resuming the bytes an earlier one stored (the host's answer did not continue them). */
  restartedBecause?: string;
}

/** What a transfer heartbeats, and what its retry resumes from. */
interface TransferProgress {
  bytes?: number;
  /** The file as the host described it when the stored bytes began: a resume must find the same file. */
  source?: SourceIdentity;
}

interface TransferDeps {
  store: ObjectStore;
  fetch: FetchPolicy;
  /** A guarded agent (infra/http/guarded-agent.ts). */
  dispatcher: Dispatcher;
  maxBytes: number;
  /** Stored with the object. */
  contentType: string;
  /** heartbeatQuietUntil as of the activity's start, when it did something else first (waited for a slot). */
  quietUntil?: number;
}

const HEARTBEAT_EVERY_MS = 1_000;
const QUIET_START_MS = 5_000;

/**
 * Until when a transfer that has just begun sends no heartbeat: 5 s, or a third of its heartbeat
 * timeout if that is shorter. Every heartbeat is a write on the Temporal server, and the SDK sends
 * the first one at once, so heartbeating from the first second cost such a write to every transfer
 * that waited for a slot or downloaded for more than a second. A transfer that ends sooner is
 * cheaper retried from the start than recorded, and one that takes longer still reports well
 * before its heartbeat timeout.
 */
export function heartbeatQuietUntil(context: Context): number {
  const timeoutMs = context.info.heartbeatTimeoutMs;
  return Date.now() + Math.min(QUIET_START_MS, timeoutMs ? timeoutMs / 3 : QUIET_START_MS);
}

/**
 * Where to start: never past what the partial file really holds, nor past the last heartbeat.
 * A first attempt has no earlier attempt whose bytes it could resume, so it starts at 0 without
 * asking the store: on S3 that question is a listing per file, as dear as the sidecar write. A
 * partial left under the key by something else (a reset workflow) is overwritten, not trusted.
 */
async function resumePoint(store: ObjectStore, key: string): Promise<ResumePoint> {
  const { attempt, heartbeatDetails } = Context.current().info;
  const details = heartbeatDetails as TransferProgress | undefined;
  if (attempt === 1 && details?.bytes === undefined) return { offset: 0 };
  const partial = await store.partialSize(key);
  return { offset: Math.min(details?.bytes ?? partial, partial), source: details?.source };
}

/**
 * Heartbeats the offset the download has reached, with the file it began (what a retry's If-Range
 * names), once a second while bytes arrive and no sooner than `quietUntil`: a download that stalls
 * goes quiet, its heartbeat times out, and the retry resumes. The count is read on a timer rather
 * than taken from each chunk, so the body reaches the store unwrapped: a wrapper on the way costs
 * promises for every chunk of every file.
 */
function reportProgress(context: Context, reached: () => number, source: SourceIdentity, quietUntil: number): () => void {
  let reported = reached();
  const timer = setInterval(() => {
    const bytes = reached();
    if (bytes === reported || Date.now() < quietUntil) return;
    reported = bytes;
    context.heartbeat({ bytes, source } satisfies TransferProgress);
  }, HEARTBEAT_EVERY_MS);
  return () => clearInterval(timer);
}

/**
 * Streams one remote file (a video, an audio URL) into object storage without holding it in memory, hashing it on the way.
 * After a crash or a reset the retry asks for the rest with a Range request (open-continuing.ts); a
 * host that ignores Range, or whose answer does not continue the stored bytes (another file by
 * now, another range), gets a fresh start. Cancelled by its workflow (the job was
 * cancelled), it stops the download and removes the partial: nothing will resume it, and no half
 * file may outlive the job. `onBodyRead` runs once the whole body is in the partial, before it is
 * published.
 */
export async function transferToStorage(deps: TransferDeps, url: string, key: string, onBodyRead?: () => void): Promise<TransferResult> {
  const context = Context.current();
  const quietUntil = deps.quietUntil ?? heartbeatQuietUntil(context);
  const resume = await resumePoint(deps.store, key);
  const { remote, body, offset, bodyStartsAt, total, source, restartedBecause } = await openContinuing(deps, url, key, resume);
  if (total !== undefined && total > deps.maxBytes) {
    remote.body.destroy();
    throw knownFailure(FAILURE_TYPES.tooLarge, `${url} is ${total} bytes, over the ${deps.maxBytes}-byte limit`);
  }
  const stop = () => remote.body.destroy(context.cancellationSignal.reason as Error);
  context.cancellationSignal.addEventListener('abort', stop, { once: true });
  const reached = () => bodyStartsAt + remote.bytesReceived();
  const stopReporting = reportProgress(context, reached, source, quietUntil);
  // Small enough to be cheaper started over than resumed (ObjectStore.atomicPutBytes): one put.
  const atomic = offset === 0 && total !== undefined && total <= deps.store.atomicPutBytes;
  let put: PutResult | undefined;
  try {
    if (context.cancellationSignal.aborted) stop();
    if (atomic) put = await deps.store.put(key, body, { maxBytes: deps.maxBytes, expectedSize: total, contentType: deps.contentType });
    else await deps.store.appendPartial(key, body, { offset, maxBytes: deps.maxBytes, expectedSize: total });
  } catch (err) {
    const jobCancelled = context.cancellationSignal.aborted && context.cancellationDetails?.cancelRequested;
    if (jobCancelled) {
      await deps.store.discardPartial(key);
      throw context.cancellationSignal.reason;
    }
    // The retry resumes the partial (a worker shutting down is a cancellation too, but not the
    // job's). A download that broke inside its quiet start has sent no heartbeat yet, and without
    // one the retry could neither name this file in If-Range nor compare its size and tags with the
    // host's answer: so it is said now, and the SDK sends it with the failure.
    if (!atomic) context.heartbeat({ bytes: reached(), source } satisfies TransferProgress);
    throw context.cancellationSignal.aborted ? context.cancellationSignal.reason : err;
  } finally {
    stopReporting();
    context.cancellationSignal.removeEventListener('abort', stop);
  }
  // The connection is done with; publishing (an fsync, a rename) need not hold up the next download.
  onBodyRead?.();
  const stored = put ?? (await deps.store.completePartial(key, { expectedSize: total, contentType: deps.contentType }));
  return { storageKey: key, size: stored.size, sha256: stored.sha256, resumedFrom: offset, httpStatus: remote.status, ...(restartedBecause ? { restartedBecause } : {}) };
}
