import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { openRemote, RemoteFetchError, type FetchPolicy, type OpenedRemote } from '../../infra/http/fetch-remote';
import { ifRangeFor, resumeMismatch, sourceIdentityOf, type SourceIdentity } from '../../infra/http/resume-check';
import type { ObjectStore, PutResult } from '../../infra/storage';
import { FAILURE_TYPES, knownFailure } from './failure-types';

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
interface ResumePoint {
  offset: number;
  source?: SourceIdentity;
}

async function resumePoint(store: ObjectStore, key: string): Promise<ResumePoint> {
  const { attempt, heartbeatDetails } = Context.current().info;
  const details = heartbeatDetails as TransferProgress | undefined;
  if (attempt === 1 && details?.bytes === undefined) return { offset: 0 };
  const partial = await store.partialSize(key);
  return { offset: Math.min(details?.bytes ?? partial, partial), source: details?.source };
}

/** Total size from `Content-Range: bytes a-b/total` or the body length plus the offset. */
function expectedTotal(headers: Record<string, string | string[] | undefined>, offset: number): number | undefined {
  const range = headers['content-range'];
  const match = typeof range === 'string' ? /\/(\d+)$/.exec(range) : null;
  if (match) return Number(match[1]);
  const length = headers['content-length'];
  return typeof length === 'string' ? offset + Number(length) : undefined;
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
 * The remote file from the resume point on if the host's answer continues the stored bytes, else
 * from its first byte; `offset` is where the body starts, and `restartedBecause` says why it is 0
 * when a resume was asked for.
 */
async function openContinuing(deps: TransferDeps, url: string, resume: ResumePoint): Promise<{ remote: OpenedRemote; offset: number; restartedBecause?: string }> {
  const open = (from: number) =>
    openRemote(new URL(url), {
      ...deps.fetch,
      dispatcher: deps.dispatcher,
      // The store holds the exact limit, offset included; a host that ignores Range sends it all.
      maxBytes: deps.maxBytes,
      headers: from > 0 ? { range: `bytes=${from}-`, ...ifRangeFor(resume.source) } : {},
      acceptStatuses: [206],
    });
  let offset = resume.offset;
  let remote: OpenedRemote;
  try {
    remote = await open(offset);
  } catch (err) {
    // A partial that holds the whole file (an attempt stopped between its last byte and publishing),
    // or more than the file now has, asks for bytes past the end: the host answers 416. Start over.
    if (offset === 0 || !(err instanceof RemoteFetchError) || err.status !== 416) throw err;
    offset = 0;
    remote = await open(0);
  }
  let restartedBecause: string | undefined;
  if (offset > 0 && remote.status === 206) {
    restartedBecause = resumeMismatch(remote.headers, offset, resume.source);
    if (restartedBecause) {
      remote.body.destroy();
      offset = 0;
      remote = await open(0);
    }
  }
  if (remote.status !== 206) {
    // The whole file instead of the rest: the host ignores Range, or If-Range told it the file changed.
    if (offset > 0) restartedBecause = `it answered ${remote.status} with the whole file, not the rest from ${offset}`;
    return { remote, offset: 0, restartedBecause };
  }
  if (offset === 0) {
    // Asked for no range, yet given one: only the whole file from its first byte will do.
    const wrong = resumeMismatch(remote.headers, 0, undefined);
    if (wrong) {
      remote.body.destroy();
      throw new RemoteFetchError(`${url} answered a request for the whole file with a part of it: ${wrong}`, 206);
    }
  }
  return { remote, offset, restartedBecause };
}

/**
 * Streams one remote file (a video, an audio URL) into object storage without holding it in memory, hashing it on the way.
 * After a crash or a reset the retry asks for `Range: bytes=<offset>-`, with `If-Range` naming the
 * file it began storing; a host that ignores Range, or whose answer does not continue those bytes
 * (another file by now, another range), gets a fresh start. Cancelled by its workflow (the job was
 * cancelled), it stops the download and removes the partial: nothing will resume it, and no half
 * file may outlive the job. `onBodyRead` runs once the whole body is in the partial, before it is
 * published.
 */
export async function transferToStorage(deps: TransferDeps, url: string, key: string, onBodyRead?: () => void): Promise<TransferResult> {
  const context = Context.current();
  const quietUntil = deps.quietUntil ?? heartbeatQuietUntil(context);
  const resume = await resumePoint(deps.store, key);
  const { remote, offset, restartedBecause } = await openContinuing(deps, url, resume);
  const total = expectedTotal(remote.headers, offset);
  const source = offset === 0 ? sourceIdentityOf(remote.headers, total) : (resume.source ?? {});
  if (total !== undefined && total > deps.maxBytes) {
    remote.body.destroy();
    throw knownFailure(FAILURE_TYPES.tooLarge, `${url} is ${total} bytes, over the ${deps.maxBytes}-byte limit`);
  }
  const body = remote.body;
  const stop = () => body.destroy(context.cancellationSignal.reason as Error);
  context.cancellationSignal.addEventListener('abort', stop, { once: true });
  const from = offset;
  const stopReporting = reportProgress(context, () => from + remote.bytesReceived(), source, quietUntil);
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
    // one the retry could not name this file in If-Range nor check that the host's answer is still
    // it: so it is said now, and the SDK sends it with the failure.
    if (!atomic) context.heartbeat({ bytes: from + remote.bytesReceived(), source } satisfies TransferProgress);
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
