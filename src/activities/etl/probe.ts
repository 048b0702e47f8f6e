import { InvalidPlaylistError, isAsxUrl, parseAsxPlaylist, playableRefs } from '../../domain/etl';
import { openRemote, RemoteFetchError, type FetchPolicy } from '../../infra/http/fetch-remote';
import { createGuardedAgent } from '../../infra/http/guarded-agent';
import { UnsafeUrlError } from '../../infra/http/url-guard';
import { toApplicationFailure } from '../shared/failure-interceptor';
import { classifyEtlFailure } from './failures';

export interface ProbeResult {
  httpStatus: number;
  /** The media to download: the URL itself, or the first playable entry of an .asx playlist. */
  mediaUrl: string;
  resolvedFromPlaylist: boolean;
  /** The media's Content-Length as the host announced it, when it did: small ones are downloaded several to a step. */
  sizeBytes?: number;
}

/** A probe and what its event records besides: the playlist entries passed over on the way. */
export type ProbeFinding = ProbeResult & { skipped?: string[] };

/** How one probe of a batch ended, so a batch never fails for one URL. */
export interface ProbeOutcome {
  videoId: string;
  result?: ProbeResult;
  /** `retryable`: worth asking again (5xx, reset); otherwise final (4xx, refused URL, bad playlist). */
  failure?: { message: string; retryable: boolean; httpStatus?: number };
}

const PLAYLIST_MAX_BYTES = 1024 * 1024;
// Probes have connections of their own, so a long download never holds one up past its timeout.
const PROBE_CONNECTIONS_PER_HOST = 2;

async function readText(body: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new InvalidPlaylistError(`playlist larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A batch's probe failure as data, decided as the failure interceptor decides a single probe's. */
export function describeProbeFailure(err: unknown): NonNullable<ProbeOutcome['failure']> {
  const failure = toApplicationFailure(err, [classifyEtlFailure]);
  const status = (failure.details?.[0] as { status?: number } | undefined)?.status;
  return { message: failure.message, retryable: !failure.nonRetryable, ...(status === undefined ? {} : { httpStatus: status }) };
}

/**
 * A playlist entry that cannot play whatever we do: the next entry is tried instead. A 5xx or a
 * reset is not one of these; it fails the probe so the retry asks the same entry again, rather
 * than settling for a fallback clip because the main one hiccuped.
 */
function isDeadEntry(err: unknown): boolean {
  return err instanceof UnsafeUrlError || (err instanceof RemoteFetchError && err.status !== undefined && err.status >= 400 && err.status < 500);
}

function announcedSize(header: string | string[] | undefined): number | undefined {
  const size = typeof header === 'string' && /^\d+$/.test(header.trim()) ? Number(header) : NaN;
  return Number.isSafeInteger(size) ? size : undefined;
}

/** Probes a URL (HEAD, or GET for a playlist) and resolves `.asx` playlists to their media. */
export function createProber(policy: FetchPolicy) {
  const dispatcher = createGuardedAgent({ allow: policy.allowEndpoints, connections: PROBE_CONNECTIONS_PER_HOST });
  const fetchOptions = { ...policy, maxBytes: PLAYLIST_MAX_BYTES };

  async function probe(url: string, depth = 0): Promise<ProbeFinding> {
    let remote = await openRemote(new URL(url), { ...fetchOptions, dispatcher, method: isAsxUrl(url) ? 'GET' : 'HEAD' });
    if (isAsxUrl(remote.finalUrl.href, remote.contentType)) {
      if (depth > 0) throw new InvalidPlaylistError('a playlist points at another playlist');
      // Recognised only by its content type after a HEAD: fetch the playlist itself.
      if (!isAsxUrl(url)) remote = await openRemote(new URL(url), { ...fetchOptions, dispatcher });
      const refs = playableRefs(parseAsxPlaylist(await readText(remote.body, PLAYLIST_MAX_BYTES), remote.finalUrl.href));
      return { ...(await firstAnswering(refs, depth + 1)), resolvedFromPlaylist: true };
    }
    remote.body.resume();
    const sizeBytes = announcedSize(remote.headers['content-length']);
    return { httpStatus: remote.status, mediaUrl: remote.finalUrl.href, resolvedFromPlaylist: false, ...(sizeBytes === undefined ? {} : { sizeBytes }) };
  }

  /** Entries in order; the first that answers is the media. Only when none does, the last failure stands. */
  async function firstAnswering(refs: string[], depth: number): Promise<ProbeFinding> {
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

  return { probe };
}
