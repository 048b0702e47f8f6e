import { pipeline, type Readable, Transform } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { AllowedEndpoint } from './allowlist';
import { assertFetchableUrl, UnsafeUrlError } from './url-guard';

export interface RemoteBody {
  body: Readable;
  contentType?: string;
  finalUrl: URL;
}

/** How user-supplied URLs are fetched (config `fetch`). */
export interface FetchPolicy {
  allowEndpoints: readonly AllowedEndpoint[];
  maxRedirects: number;
  /** Longest silence while waiting for headers or between body chunks. */
  timeoutMs: number;
  /** The whole fetch, redirects and body included; a source that trickles is cut off here. */
  deadlineMs: number;
}

/** GET with redirects followed by hand (at most `maxRedirects`), so every hop passes the URL guard. */
export interface RemoteOptions extends FetchPolicy {
  /** A guarded agent (guarded-agent.ts): it vets the addresses names resolve to and connects to them. */
  dispatcher: Dispatcher;
  /** The body is cut off past this many bytes. */
  maxBytes: number;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Statuses returned to the caller instead of thrown (e.g. 206, 404 for probes). */
  acceptStatuses?: readonly number[];
  /**
   * `manual`: a 3xx is returned as it is (list it in `acceptStatuses`), for a caller that makes
   * each hop a step of its own (the crawler checks robots.txt and its page budget per hop).
   * Default `follow`.
   */
  redirect?: 'follow' | 'manual';
}

export class RemoteFetchError extends Error {
  override name = 'RemoteFetchError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The source is larger than the caller takes; no retry changes that. */
export class RemoteTooLargeError extends RemoteFetchError {
  override name = 'RemoteTooLargeError';
}

/** Passes the body through, counting it and failing it once more than `maxBytes` went by. */
class CappedBody extends Transform {
  seen = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly url: URL,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.seen += chunk.length;
    done(this.seen > this.maxBytes ? new RemoteTooLargeError(`${this.url.href} is larger than the ${this.maxBytes}-byte limit`) : null, chunk);
  }
}

export interface OpenedRemote extends RemoteBody {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body bytes received so far: progress a caller can report without handling every chunk itself. */
  bytesReceived(): number;
}

export async function openRemote(url: URL, opts: RemoteOptions): Promise<OpenedRemote> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new RemoteFetchError(`${url.href} did not finish within the ${opts.deadlineMs} ms fetch deadline`)), opts.deadlineMs);
  timer.unref();
  let current = url;
  try {
    for (let hop = 0; hop <= opts.maxRedirects; hop++) {
      assertFetchableUrl(current, opts.allowEndpoints);
      const res = await request(current, {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        dispatcher: opts.dispatcher,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
        signal: deadline.signal,
      });
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string' && opts.redirect !== 'manual') {
        res.body.resume();
        current = new URL(location, current);
        continue;
      }
      if (res.statusCode !== 200 && !(opts.acceptStatuses ?? []).includes(res.statusCode)) {
        res.body.resume();
        throw new RemoteFetchError(`${current.href} answered HTTP ${res.statusCode}`, res.statusCode);
      }
      const length = Number(res.headers['content-length']);
      if (opts.method !== 'HEAD' && length > opts.maxBytes) {
        // Not read at all: the connection goes, and the abort this reports is expected.
        res.body.on('error', () => undefined).destroy();
        throw new RemoteTooLargeError(`${current.href} is ${length} bytes, over the ${opts.maxBytes}-byte limit`);
      }
      // An error on either side (the cap, the deadline, a reader giving up) stops both.
      const body = new CappedBody(opts.maxBytes, current);
      pipeline(res.body, body, () => clearTimeout(timer));
      const contentType = res.headers['content-type'];
      return {
        body,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        finalUrl: current,
        status: res.statusCode,
        headers: res.headers,
        bytesReceived: () => body.seen,
      };
    }
    throw new UnsafeUrlError(`more than ${opts.maxRedirects} redirects`);
  } catch (err) {
    clearTimeout(timer);
    // The deadline's own error says which URL and which limit, rather than a bare AbortError.
    throw deadline.signal.aborted ? (deadline.signal.reason as Error) : err;
  }
}
