// Where an ETL bench run's time went, read from the chunk workflows' histories: how long each
// activity type waited for a worker and ran, and how busy the transfer slots were.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { tsToMs } from '@temporalio/common/lib/time';

interface Span {
  type: string;
  scheduled: number;
  started?: number;
  closed?: number;
}

async function activitySpans(client: Client, workflowId: string): Promise<Span[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const spans = new Map<number, Span>();
  for (const e of history.events ?? []) {
    const at = tsToMs(e.eventTime);
    if (e.workflowTaskScheduledEventAttributes) spans.set(Number(e.eventId), { type: 'workflow task', scheduled: at });
    const wftStarted = e.workflowTaskStartedEventAttributes;
    if (wftStarted) spans.get(Number(wftStarted.scheduledEventId))!.started = at;
    const wftClosed = e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes;
    if (wftClosed?.scheduledEventId) spans.get(Number(wftClosed.scheduledEventId))!.closed = at;
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) spans.set(Number(e.eventId), { type: scheduled.activityType?.name ?? '?', scheduled: at });
    const started = e.activityTaskStartedEventAttributes;
    if (started) spans.get(Number(started.scheduledEventId))!.started = at;
    const closed =
      e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    if (closed?.scheduledEventId) spans.get(Number(closed.scheduledEventId))!.closed = at;
  }
  return [...spans.values()];
}

export interface Breakdown {
  lines: string[];
  /** Time-weighted mean of transfers running at once, between the first start and the last end. */
  transfersBusy: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * Downloads as the worker ran them (from the `download_started` to the `downloaded` event): Temporal's
 * view above also counts the time a transfer waited at the worker for a free connection.
 */
async function downloadSpans(pool: Pool, jobId: string): Promise<Array<{ started: number; closed: number }>> {
  const { rows } = await pool.query(
    `SELECT extract(epoch FROM s.at) * 1000 AS started, extract(epoch FROM d.at) * 1000 AS closed
     FROM video_events s JOIN video_events d ON d.job_id = s.job_id AND d.video_id = s.video_id AND d.event = 'downloaded'
     WHERE s.job_id = $1 AND s.event = 'download_started'`,
    [jobId],
  );
  return rows.map((r) => ({ started: Number(r.started), closed: Number(r.closed) }));
}

function concurrency(spans: Array<{ started: number; closed: number }>): number {
  const first = Math.min(...spans.map((s) => s.started));
  const last = Math.max(...spans.map((s) => s.closed));
  return spans.reduce((sum, s) => sum + (s.closed - s.started), 0) / (last - first);
}

export async function breakdown(client: Client, pool: Pool, jobId: string, chunkIds: string[], bytesPerFile: number): Promise<Breakdown> {
  const spans = (await Promise.all(chunkIds.map((id) => activitySpans(client, id)))).flat().filter((s) => s.started && s.closed);
  const lines: string[] = [];
  for (const type of [...new Set(spans.map((s) => s.type))]) {
    const of = spans.filter((s) => s.type === type);
    const queued = mean(of.map((s) => s.started! - s.scheduled));
    const ran = mean(of.map((s) => s.closed! - s.started!));
    lines.push(`${type.padEnd(20)} ×${String(of.length).padEnd(5)} waited ${queued.toFixed(1).padStart(6)} ms  ran ${ran.toFixed(1).padStart(7)} ms`);
  }
  const { rows } = await pool.query(
    `SELECT extract(epoch FROM min(e.at) FILTER (WHERE e.event = 'download_started') - j.created_at) AS first,
            extract(epoch FROM j.finished_at - max(e.at) FILTER (WHERE e.event = 'downloaded')) AS tail
     FROM etl_jobs j JOIN video_events e ON e.job_id = j.id WHERE j.id = $1 GROUP BY j.id`,
    [jobId],
  );
  lines.push(`first download ${Number(rows[0].first).toFixed(2)} s after the job was created; job finished ${Number(rows[0].tail).toFixed(2)} s after the last one`);
  const transfersBusy = concurrency(spans.filter((s) => s.type === 'transferVideo' || s.type === 'transferVideos').map((s) => ({ started: s.started!, closed: s.closed! })));
  const downloads = await downloadSpans(pool, jobId);
  const downloading = concurrency(downloads);
  const perDownload = bytesPerFile / 1024 / 1024 / (mean(downloads.map((s) => s.closed - s.started)) / 1000);
  lines.push(`transfer activities running at once: ${transfersBusy.toFixed(1)} on average, downloading or publishing: ${downloading.toFixed(1)} (${perDownload.toFixed(0)} MB/s each)`);
  return { lines, transfersBusy };
}
