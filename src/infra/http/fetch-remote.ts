import { Readable } from 'node:stream';
import { request } from 'undici';
import { assertFetchable, UnsafeUrlError } from './url-guard';

export interface RemoteBody {
  body: Readable;
  contentType?: string;
  finalUrl: URL;
}

/** GET with redirects followed by hand (at most `maxRedirects`), so every hop passes the URL guard. */
export async function openRemote(url: URL, opts: { allowHosts: readonly string[]; maxRedirects: number; timeoutMs: number }): Promise<RemoteBody> {
  let current = url;
  for (let hop = 0; hop <= opts.maxRedirects; hop++) {
    await assertFetchable(current, opts.allowHosts);
    const res = await request(current, { method: 'GET', headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs });
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
      res.body.resume();
      current = new URL(location, current);
      continue;
    }
    if (res.statusCode !== 200) {
      res.body.resume();
      throw new RemoteFetchError(`${current.href} answered HTTP ${res.statusCode}`);
    }
    const contentType = res.headers['content-type'];
    return { body: Readable.from(res.body), contentType: typeof contentType === 'string' ? contentType : undefined, finalUrl: current };
  }
  throw new UnsafeUrlError(`more than ${opts.maxRedirects} redirects`);
}

export class RemoteFetchError extends Error {
  override name = 'RemoteFetchError';
}
