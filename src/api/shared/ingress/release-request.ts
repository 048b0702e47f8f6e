import type { IncomingMessage } from 'node:http';

/**
 * Lets a request whose body will not be read finish arriving, so the client, still sending, gets
 * to read our answer. Unpiping first matters: a body piped into a parser that gave up (a rejected
 * upload) is paused by that parser's back-pressure and would hold the client forever.
 */
export function releaseRequest(req: IncomingMessage): void {
  if (req.readableEnded) return;
  req.unpipe();
  req.resume();
}
