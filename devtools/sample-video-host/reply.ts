import type http from 'node:http';
import type { HostCounters } from './stats';

/**
 * Every status line goes through here, so the status counts see exactly what clients saw.
 * `counters` is undefined for admin replies, which are not part of that.
 */
export function writeHead(res: http.ServerResponse, counters: HostCounters | undefined, status: number, headers: http.OutgoingHttpHeaders): void {
  counters?.responded(status);
  res.writeHead(status, headers);
}

/** A small complete response; HEAD gets the same headers and no body. */
export function send(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  counters: HostCounters | undefined,
  reply: { status: number; body?: string; contentType?: string; headers?: http.OutgoingHttpHeaders },
): void {
  // 204 and 304 have no body and must not announce one.
  const bodiless = reply.status === 204 || reply.status === 304;
  const body = bodiless ? '' : (reply.body ?? '');
  const framing = bodiless ? {} : { 'content-type': reply.contentType ?? 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) };
  writeHead(res, counters, reply.status, { ...framing, ...reply.headers });
  res.end(req.method === 'HEAD' || bodiless ? undefined : body);
}

export function sendJson(req: http.IncomingMessage, res: http.ServerResponse, counters: HostCounters | undefined, status: number, body: unknown): void {
  send(req, res, counters, { status, body: JSON.stringify(body), contentType: 'application/json; charset=utf-8' });
}
