import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { openRemote, RemoteFetchError, type FetchPolicy, type OpenedRemote } from '../../infra/http/fetch-remote';
import { ifRangeFor, resumeMismatch, sourceIdentityOf, type SourceIdentity } from '../../infra/http/resume-check';
import type { ObjectStore } from '../../infra/storage';
import { ChunkReader, ShortBodyError } from '../../infra/storage/s3-segment-stream';

/**
 * Opening a remote file where the bytes an earlier attempt stored end, or from its first byte when
 * the host's answer would not continue them: a resumed download must be the same file's bytes,
 * from the same place, or two files are spliced into one object that its sha256 then vouches for.
 */

/** Where a retry would resume, and the file the stored bytes came from, as far as it was recorded. */
export interface ResumePoint {
  offset: number;
  source?: SourceIdentity;
}

export interface Continuing {
  remote: OpenedRemote;
  /** What to store from `offset` on: the remote body, less any bytes it sent again to be compared. */
  body: Readable | AsyncIterable<Uint8Array>;
  /** Where the stored bytes resume: the resume point, or 0. */
  offset: number;
  /** Where the remote body begins in the file (before `offset` when bytes were asked for again). */
  bodyStartsAt: number;
  /** The whole file's size, as the answer gives it. */
  total?: number;
  /** The file the stored bytes are of, for the heartbeats a later retry resumes from. */
  source: SourceIdentity;
  /** Why it is 0 although a resume was asked for. */
  restartedBecause?: string;
}

/**
 * Bytes asked for again before the resume point when no validator (ETag, Last-Modified) names the
 * file: the host sent none, or the attempt that stored them died before it recorded one. A host
 * that now sends another file, or another part of it, sends other bytes there.
 */
export const OVERLAP_BYTES = 64 * 1024;

export interface ContinuingDeps {
  store: ObjectStore;
  fetch: FetchPolicy;
  dispatcher: Dispatcher;
  maxBytes: number;
}

/**
 * The answer to a retry: the rest of the file after `resume.offset` when it continues the stored
 * bytes (same size and validators, the range asked for, and, with no validator recorded, the same
 * bytes where it overlaps them), else the whole file from its first byte.
 */
export async function openContinuing(deps: ContinuingDeps, url: string, key: string, resume: ResumePoint): Promise<Continuing> {
  const opened = await openAnswer(deps, url, key, resume);
  const total = expectedTotal(opened.remote.headers, opened.bodyStartsAt);
  // Resumed bytes keep the validator that named them; others take this answer's (resumed, it was checked to continue them).
  const source = opened.offset > 0 && named(resume.source) ? resume.source! : sourceIdentityOf(opened.remote.headers, total);
  return { ...opened, total, source };
}

const named = (source: SourceIdentity | undefined): boolean => Object.keys(ifRangeFor(source)).length > 0;

/** Total size from `Content-Range: bytes a-b/total`, or the body's length after where it starts. */
function expectedTotal(headers: Record<string, string | string[] | undefined>, bodyStartsAt: number): number | undefined {
  const range = headers['content-range'];
  const match = typeof range === 'string' ? /\/(\d+)$/.exec(range) : null;
  if (match) return Number(match[1]);
  const length = headers['content-length'];
  return typeof length === 'string' ? bodyStartsAt + Number(length) : undefined;
}

type Answer = Omit<Continuing, 'total' | 'source'>;

async function openAnswer(deps: ContinuingDeps, url: string, key: string, resume: ResumePoint): Promise<Answer> {
  const open = (from: number) =>
    openRemote(new URL(url), {
      ...deps.fetch,
      dispatcher: deps.dispatcher,
      // The store holds the exact limit, offset included; a host that ignores Range sends it all.
      maxBytes: deps.maxBytes,
      headers: from > 0 ? { range: `bytes=${from}-`, ...ifRangeFor(resume.source) } : {},
      acceptStatuses: [206],
    });
  const fromStart = async (restartedBecause?: string, answer?: OpenedRemote) => wholeFile(answer ?? (await open(0)), url, restartedBecause);
  const { offset } = resume;
  if (offset === 0) return fromStart();
  const vouched = named(resume.source);
  // So few bytes are not worth a check: they are downloaded again.
  if (!vouched && offset <= OVERLAP_BYTES) return fromStart();
  const askFrom = vouched ? offset : offset - OVERLAP_BYTES;
  const stored = vouched ? undefined : await deps.store.readPartial(key, { start: askFrom, length: OVERLAP_BYTES });
  let remote: OpenedRemote;
  try {
    remote = await open(askFrom);
  } catch (err) {
    // A partial that holds the whole file (an attempt stopped between its last byte and publishing),
    // or more than the file now has, asks for bytes past the end: the host answers 416. Start over.
    if (!(err instanceof RemoteFetchError) || err.status !== 416) throw err;
    return fromStart();
  }
  // The whole file instead of the rest: the host ignores Range, or If-Range told it the file changed.
  if (remote.status !== 206) return fromStart(`it answered ${remote.status} with the whole file, not the rest from ${offset}`, remote);
  const mismatch = resumeMismatch(remote.headers, askFrom, resume.source);
  if (mismatch) {
    remote.body.destroy();
    return fromStart(mismatch);
  }
  if (!stored) return { remote, body: remote.body, offset, bodyStartsAt: askFrom };
  const checked = await afterSameBytes(remote.body, stored, offset);
  if ('differs' in checked) {
    remote.body.destroy();
    return fromStart(checked.differs);
  }
  return { remote, body: checked.rest, offset, bodyStartsAt: askFrom };
}

/** An answer to a request for the whole file: only the whole file from its first byte will do. */
function wholeFile(remote: OpenedRemote, url: string, restartedBecause?: string): Answer {
  const wrong = remote.status === 206 ? resumeMismatch(remote.headers, 0, undefined) : undefined;
  if (wrong) {
    remote.body.destroy();
    throw new RemoteFetchError(`${url} answered a request for the whole file with a part of it: ${wrong}`, 206);
  }
  return { remote, body: remote.body, offset: 0, bodyStartsAt: 0, ...(restartedBecause ? { restartedBecause } : {}) };
}

/**
 * Reads `stored.length` bytes off `body` and compares them with the stored ones before `offset`;
 * when they are the same, the rest of the body, from `offset` on.
 */
async function afterSameBytes(body: Readable, stored: Buffer, offset: number): Promise<{ rest: AsyncIterable<Uint8Array> } | { differs: string }> {
  const reader = new ChunkReader(body);
  const sent: Buffer[] = [];
  try {
    for await (const chunk of reader.take(stored.length)) sent.push(chunk as Buffer);
  } catch (err) {
    // A body shorter than the bytes compared is not the same bytes either.
    if (!(err instanceof ShortBodyError)) throw err;
  }
  if (!Buffer.concat(sent).equals(stored)) return { differs: `the ${stored.length} bytes before ${offset} that it sent again are not the ones stored` };
  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      yield* reader.rest();
    } finally {
      // A consumer that stops early (the store failed) lets the connection go.
      await reader.close();
    }
  }
  return { rest: rest() };
}
