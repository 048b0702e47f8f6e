import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { challengeHtml, DISALLOWED_PREFIX, METADATA_URL, type ChallengePatch, type SitePage, type SiteContent } from './content';

/**
 * The HTTP face of the sample challenge site. Every non-admin request is counted by path (what
 * tests assert "never requested" and "fetched only the changed page" with), with the status it got.
 */
export interface SiteStats {
  /** Non-admin requests by path (query left out), answered or not. */
  requests: Record<string, number>;
  /** Statuses sent by path: `{ "/": { "200": 1, "304": 1 } }`. */
  statuses: Record<string, Record<string, number>>;
  /** Requests that carried If-None-Match or If-Modified-Since. */
  conditionalRequests: number;
  /** User-Agent headers seen, once each. */
  userAgents: string[];
}

export const emptyStats = (): SiteStats => ({ requests: {}, statuses: {}, conditionalRequests: 0, userAgents: [] });

export interface SiteState {
  content: SiteContent;
  stats: SiteStats;
  /** How long /slow/… takes before it answers. */
  slowMs: number;
}

const ADMIN_BODY_LIMIT_BYTES = 64 * 1024;

function send(state: SiteState, req: http.IncomingMessage, res: http.ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  const path = new URL(req.url ?? '/', 'http://site').pathname;
  const byStatus = (state.stats.statuses[path] ??= {});
  byStatus[status] = (byStatus[status] ?? 0) + 1;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** 304 when the client's validators match (If-None-Match wins over If-Modified-Since, as RFC 9110 says). */
function sendPage(state: SiteState, req: http.IncomingMessage, res: http.ServerResponse, page: SitePage): void {
  const validators = { etag: page.etag, 'last-modified': page.lastModified };
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  const notModified = ifNoneMatch !== undefined ? ifNoneMatch.split(',').map((t) => t.trim()).includes(page.etag) : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(page.lastModified);
  if (notModified) return send(state, req, res, 304, '', validators);
  send(state, req, res, 200, page.body, validators);
}

function count(state: SiteState, req: http.IncomingMessage, path: string): void {
  state.stats.requests[path] = (state.stats.requests[path] ?? 0) + 1;
  if (req.headers['if-none-match'] || req.headers['if-modified-since']) state.stats.conditionalRequests += 1;
  const agent = req.headers['user-agent'];
  if (agent && !state.stats.userAgents.includes(agent)) state.stats.userAgents.push(agent);
}

export function createSiteHandler(state: SiteState): http.RequestListener {
  return (req, res) => {
    route(state, req, res).catch((err: Error) => {
      if (!res.headersSent) send(state, req, res, 500, `${err.message}\n`);
      else res.destroy(err);
    });
  };
}

async function route(state: SiteState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://site').pathname;
  if (path.startsWith('/admin/')) return admin(state, req, res, path);
  count(state, req, path);
  const { content } = state;
  const param = (prefix: string) => (path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : undefined);
  if (path === '/robots.txt') return send(state, req, res, 200, content.robots(), { 'content-type': 'text/plain' });
  if (path === '/') return sendPage(state, req, res, content.index());
  const challenge = param('/challenges/');
  if (challenge !== undefined) {
    const page = content.challenge(challenge);
    return page ? sendPage(state, req, res, page) : send(state, req, res, 404, 'no such challenge\n');
  }
  // A 301 then a 302: the crawler must follow both and land on the challenge page.
  const old = param('/old/');
  if (old !== undefined) return send(state, req, res, 301, '', { location: `/moved/${old}` });
  const moved = param('/moved/');
  if (moved !== undefined) return send(state, req, res, 302, '', { location: `/challenges/${moved}` });
  if (path === '/go/metadata') return send(state, req, res, 302, '', { location: METADATA_URL });
  if (param('/slow/') !== undefined) {
    await sleep(state.slowMs);
    if (res.destroyed) return;
    return send(state, req, res, 200, challengeHtml(content.slow));
  }
  if (path === '/broken/500') return send(state, req, res, 500, 'internal error\n');
  // Headers never come: the client sees the connection reset.
  if (path === '/broken/reset') return void req.socket.destroy();
  if (path.startsWith(DISALLOWED_PREFIX)) return send(state, req, res, 200, challengeHtml(content.hidden));
  send(state, req, res, 404, 'not found\n');
}

async function admin(state: SiteState, req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && path === '/admin/stats') return reply(200, state.stats);
  if (req.method === 'POST' && path === '/admin/reset-stats') {
    state.stats = emptyStats();
    return reply(200, { reset: true });
  }
  const id = path.startsWith('/admin/challenges/') ? decodeURIComponent(path.slice('/admin/challenges/'.length)) : undefined;
  if (id !== undefined && req.method === 'GET') {
    const found = state.content.current(id);
    return found ? reply(200, found) : reply(404, { error: `no challenge ${id}` });
  }
  if (id !== undefined && req.method === 'POST') {
    let patch: ChallengePatch;
    try {
      patch = parsePatch(await readBody(req));
    } catch (err) {
      return reply(400, { error: (err as Error).message });
    }
    const updated = state.content.update(id, patch);
    return updated ? reply(200, updated) : reply(404, { error: `no challenge ${id}` });
  }
  reply(404, { error: `no admin route ${req.method} ${path}` });
}

function parsePatch(text: string): ChallengePatch {
  const value: unknown = JSON.parse(text || '{}');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
  const patch = value as Record<string, unknown>;
  for (const key of ['title', 'summary', 'category']) {
    if (patch[key] !== undefined && typeof patch[key] !== 'string') throw new Error(`${key} must be a string`);
  }
  if (patch.criteria !== undefined && !(Array.isArray(patch.criteria) && patch.criteria.every((c) => typeof c === 'string'))) throw new Error('criteria must be an array of strings');
  const unknown = Object.keys(patch).filter((k) => !['title', 'summary', 'category', 'criteria'].includes(k));
  if (unknown.length > 0) throw new Error(`unknown fields: ${unknown.join(', ')}`);
  return patch as ChallengePatch;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ADMIN_BODY_LIMIT_BYTES) throw new Error(`admin body above ${ADMIN_BODY_LIMIT_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
