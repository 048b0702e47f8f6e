import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { assertFetchable, UnsafeUrlError } from './url-guard';

export interface RemoteBody {
  body: Readable;
  contentType?: string;
  finalUrl: URL;
}

/** GET with redirects followed by hand (at most `maxRedirects`), so every hop passes the URL guard. */
export interface RemoteOptions {
  allowHosts: readonly string[];
  maxRedirects: number;
  timeoutMs: number;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Bounds connections per host (undici Agent); the default global dispatcher otherwise. */
  dispatcher?: Dispatcher;
  /** Statuses returned to the caller instead of thrown (e.g. 206, 404 for probes). */
  acceptStatuses?: readonly number[];
}

export async function openRemote(url: URL, opts: RemoteOptions): Promise<RemoteBody & { status: number; headers: Record<string, string | string[] | undefined> }> {
  let current = url;
  for (let hop = 0; hop <= opts.maxRedirects; hop++) {
    await assertFetchable(current, opts.allowHosts);
    const res = await request(current, {
      method: opts.method ?? 'GET',
      headers: opts.headers,
      dispatcher: opts.dispatcher,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
      res.body.resume();
      current = new URL(location, current);
      continue;
    }
    if (res.statusCode !== 200 && !(opts.acceptStatuses ?? []).includes(res.statusCode)) {
      res.body.resume();
      throw new RemoteFetchError(`${current.href} answered HTTP ${res.statusCode}`, res.statusCode);
    }
    const contentType = res.headers['content-type'];
    return {
      body: Readable.from(res.body),
      contentType: typeof contentType === 'string' ? contentType : undefined,
      finalUrl: current,
      status: res.statusCode,
      headers: res.headers,
    };
  }
  throw new UnsafeUrlError(`more than ${opts.maxRedirects} redirects`);
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
