import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { createNotificationListener } from '../../infra/db/notifications';
import * as q from '../../infra/feedback/queries/jobs';
import { FEEDBACK_STREAM_CHANNEL, streamEventsAfter, type StreamEvent } from '../../infra/feedback/queries/stream';

/**
 * `GET /api/feedback-jobs/:id/stream`: replays what the job's model calls streamed so far (after
 * Last-Event-ID, when the client reconnects), then follows live until the job finishes, and ends
 * with one `end` event. Each connection listens on its own PostgreSQL connection while it lasts.
 */

/** Without a NOTIFY (a lost listener connection), the stored events are read again this often. */
const POLL_MS = 1_000;
/** A comment line keeps proxies from closing a stream that is quiet while the job waits for a slot. */
const KEEP_ALIVE_MS = 15_000;

export interface RelayDeps {
  pool: Pool;
  databaseUrl: string;
  /** The job's status from Temporal, for a job whose row never learned it ended (its workflow was terminated). */
  runStatus(jobId: string): Promise<string>;
}

function lastEventId(req: Request): number {
  const raw = req.header('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function frame(event: StreamEvent): string {
  const data = event.kind === 'tokens' ? JSON.stringify({ text: event.data }) : event.data;
  return `id: ${event.seq}\nevent: ${event.kind === 'tokens' ? 'token' : 'call'}\ndata: ${data}\n\n`;
}

export async function relayTokens(deps: RelayDeps, job: q.FeedbackJob, req: Request, res: Response): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => (closed = true));
  const listener = createNotificationListener(deps.databaseUrl, FEEDBACK_STREAM_CHANNEL);
  let after = lastEventId(req);
  let quietSince = Date.now();
  try {
    while (!closed) {
      const events = await streamEventsAfter(deps.pool, job.id, after);
      for (const event of events) res.write(frame(event));
      if (events.length > 0) {
        after = events[events.length - 1].seq;
        quietSince = Date.now();
        continue;
      }
      const status = await finishedStatus(deps, job.id, Date.now() - quietSince > 5_000);
      if (status) {
        // Whatever was appended between the read above and the job finishing goes out first.
        for (const event of await streamEventsAfter(deps.pool, job.id, after)) res.write(frame(event));
        const row = await q.findFeedbackJob(deps.pool, job.id);
        res.write(`event: end\ndata: ${JSON.stringify({ id: job.id, status, error: row?.error ?? null })}\n\n`);
        break;
      }
      if (Date.now() - quietSince > KEEP_ALIVE_MS) res.write(': keep-alive\n\n');
      await listener.wait(POLL_MS);
    }
  } finally {
    await listener.close();
    res.end();
  }
}

/** COMPLETED, FAILED or CANCELED once the job has ended; asks Temporal too after a long silence. */
async function finishedStatus(deps: RelayDeps, jobId: string, askTemporal: boolean): Promise<string | undefined> {
  const row = await q.findFeedbackJob(deps.pool, jobId);
  if (row && row.status !== 'RUNNING') return row.status;
  if (!askTemporal) return undefined;
  const status = await deps.runStatus(jobId);
  return status === 'PENDING' || status === 'RUNNING' ? undefined : status;
}
