import http from 'node:http';
import { ASX_VARIANTS, playlistEntries, renderAsx, type AsxVariant } from './asx';
import { mediaPath } from './media';
import { send } from './reply';
import type { SampleVideoHostState } from './state';

/** The small routes: playlists, redirect chains and bare status codes. */

// A second playable clip after the target, small so probing it is cheap.
const ALTERNATE_SIZE_BYTES = 64 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECT_CHAIN = 100;

/** `GET /playlists/<name>.asx?target=<path or URL>&variant=<…>`; see asx.ts for the resolution contract. */
export function servePlaylist(req: http.IncomingMessage, res: http.ServerResponse, state: SampleVideoHostState, name: string, url: URL): void {
  const variant = url.searchParams.get('variant') ?? 'mixed';
  if (!(ASX_VARIANTS as readonly string[]).includes(variant)) {
    return send(req, res, state.counters, { status: 400, body: `variant must be one of ${ASX_VARIANTS.join(', ')}` });
  }
  const origin = originOf(req);
  const target = resolveTarget(url.searchParams.get('target') ?? mediaPath(name, state.options.defaultSizeBytes), origin);
  if (!target) return send(req, res, state.counters, { status: 400, body: 'target must be a path (/media/…) or an http(s) URL' });
  const urls = {
    target,
    alternate: `${origin}${mediaPath(`${name}-alternate`, ALTERNATE_SIZE_BYTES)}`,
    missing: `${origin}/status/404/${encodeURIComponent(name)}-missing.mp4`,
  };
  const body = renderAsx(`${name}: Q&A <1> 강의`, playlistEntries(variant as AsxVariant, urls), variant as AsxVariant);
  // The MIME type Windows Media servers used for .asx.
  send(req, res, state.counters, { status: 200, body, contentType: 'video/x-ms-asf; charset=utf-8' });
}

/**
 * `GET /redirect/<n>?to=<path or URL>[&status=301|302|303|307|308]`: n chained redirects, then `to`.
 * Intermediate hops are relative (clients must resolve them); the last Location is `to` verbatim,
 * so a test can point it anywhere, including at addresses an SSRF guard must refuse.
 */
export function serveRedirect(req: http.IncomingMessage, res: http.ServerResponse, state: SampleVideoHostState, hops: number, url: URL): void {
  const to = url.searchParams.get('to');
  const status = Number(url.searchParams.get('status') ?? '302');
  if (!to) return send(req, res, state.counters, { status: 400, body: 'to is required' });
  if (!REDIRECT_STATUSES.has(status)) return send(req, res, state.counters, { status: 400, body: `status must be one of ${[...REDIRECT_STATUSES].join(', ')}` });
  if (hops < 1 || hops > MAX_REDIRECT_CHAIN) return send(req, res, state.counters, { status: 400, body: `n must be 1..${MAX_REDIRECT_CHAIN}` });
  const next = new URLSearchParams({ to });
  if (status !== 302) next.set('status', String(status));
  const location = hops === 1 ? to : `/redirect/${hops - 1}?${next}`;
  send(req, res, state.counters, { status, body: '', headers: { location } });
}

/** `GET /status/<code>[/anything.mp4]`: that status, so a URL can look like media and still fail. */
export function serveStatus(req: http.IncomingMessage, res: http.ServerResponse, state: SampleVideoHostState, code: number): void {
  if (code < 200 || code > 599) return send(req, res, state.counters, { status: 400, body: 'status must be 200..599' });
  const body = code === 204 || code === 304 ? '' : `${code} ${http.STATUS_CODES[code] ?? ''}\n`;
  send(req, res, state.counters, { status: code, body });
}

/** Hrefs use the host name the client used, so a playlist fetched via `localhost` points at `localhost`. */
function originOf(req: http.IncomingMessage): string {
  const host = req.headers.host;
  if (host && /^[A-Za-z0-9.\-:[\]]+$/.test(host)) return `http://${host}`;
  const address = req.socket.localAddress ?? '127.0.0.1';
  return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
}

function resolveTarget(target: string, origin: string): string | undefined {
  if (target.startsWith('/') && !target.startsWith('//')) return `${origin}${target}`;
  try {
    const parsed = new URL(target);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? target : undefined;
  } catch {
    return undefined;
  }
}
