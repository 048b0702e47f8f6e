import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveFlaky, serveMedia } from './media';
import { SampleVideoHostOptionsError, type HostRoute } from './options';
import { send, sendJson } from './reply';
import { servePlaylist, serveRedirect, serveStatus } from './routes';
import type { SampleVideoHostState } from './state';

/**
 * The HTTP face of the sample video host: routing, the hang and latency knobs (which apply to every
 * route alike), and the admin API under /admin, which is never delayed, hung or counted.
 */

const ADMIN_BODY_LIMIT_BYTES = 64 * 1024;

interface Matched {
  route: HostRoute;
  /** The file or playlist name, or the number in /redirect/<n> and /status/<code>. */
  param: string;
}

const PATTERNS: Array<[HostRoute, RegExp]> = [
  ['media', /^\/media\/([^/]+)\.mp4$/],
  ['flaky', /^\/flaky\/([^/]+)\.mp4$/],
  ['playlist', /^\/playlists\/([^/]+)\.asx$/i],
  ['redirect', /^\/redirect\/(\d{1,6})$/],
  ['status', /^\/status\/(\d{3})(?:\/.*)?$/],
];

export function createSampleVideoHostHandler(state: SampleVideoHostState): http.RequestListener {
  return (req, res) => {
    route(state, req, res).catch((err: Error) => {
      if (!res.headersSent) sendJson(req, res, state.counters, 500, { error: err.message });
      else res.destroy(err);
    });
  };
}

async function route(state: SampleVideoHostState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sample-video-host');
  if (url.pathname.startsWith('/admin/')) return admin(state, req, res, url.pathname);
  const matched = match(url.pathname);
  const isFile = matched?.route === 'media' || matched?.route === 'flaky';
  state.counters.arrived(matched?.route ?? 'unknown', url.pathname, isFile ? matched.param : undefined);
  if (!matched) return send(req, res, state.counters, { status: 404, body: `no route ${url.pathname}\n` });
  if (state.hangs(matched.route)) {
    // Drain the request so the client's send completes, then never answer.
    state.counters.hung();
    req.resume();
    return;
  }
  const latencyMs = state.options.latencyMs;
  if (latencyMs > 0) await sleep(latencyMs);
  if (res.destroyed) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(req, res, state.counters, { status: 405, body: 'GET or HEAD only\n', headers: { allow: 'GET, HEAD' } });
  }
  return dispatch(state, req, res, matched, url);
}

function dispatch(state: SampleVideoHostState, req: http.IncomingMessage, res: http.ServerResponse, matched: Matched, url: URL): Promise<void> | void {
  switch (matched.route) {
    case 'media':
      return serveMedia(req, res, state, matched.param, url);
    case 'flaky':
      return serveFlaky(req, res, state, matched.param, url);
    case 'playlist':
      return servePlaylist(req, res, state, matched.param, url);
    case 'redirect':
      return serveRedirect(req, res, state, Number(matched.param), url);
    case 'status':
      return serveStatus(req, res, state, Number(matched.param));
  }
}

/** The route and its decoded parameter; undefined for unknown paths and undecodable names (→ 404). */
function match(pathname: string): Matched | undefined {
  for (const [route, pattern] of PATTERNS) {
    const found = pattern.exec(pathname);
    if (!found) continue;
    try {
      const param = decodeURIComponent(found[1]);
      return param === '' ? undefined : { route, param };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function admin(state: SampleVideoHostState, req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
  // No counters: admin replies are not part of what the host's clients saw.
  const reply = (status: number, body: unknown) => sendJson(req, res, undefined, status, body);
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/admin/stats') return reply(200, state.stats());
  if (method === 'GET' && path === '/admin/config') return reply(200, state.options);
  if (method === 'POST' && path === '/admin/reset') {
    state.reset();
    return reply(200, { reset: true });
  }
  if (method === 'POST' && path === '/admin/config') {
    try {
      return reply(200, state.configure(JSON.parse((await readBody(req)) || '{}')));
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof SampleVideoHostOptionsError) return reply(400, { error: err.message });
      throw err;
    }
  }
  reply(404, { error: `no admin route ${method} ${path}` });
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ADMIN_BODY_LIMIT_BYTES) throw new SampleVideoHostOptionsError(`admin body above ${ADMIN_BODY_LIMIT_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
