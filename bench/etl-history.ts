// Where an ETL bench run's time went, read from the chunk workflows' histories: how long each
// activity type waited for a worker and ran, and how busy the transfer slots were.
import type { Client } from '@temporalio/client';
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

export async function breakdown(client: Client, chunkIds: string[], bytesPerFile: number): Promise<Breakdown> {
  const spans = (await Promise.all(chunkIds.map((id) => activitySpans(client, id)))).flat().filter((s) => s.started && s.closed);
  const lines: string[] = [];
  for (const type of [...new Set(spans.map((s) => s.type))]) {
    const of = spans.filter((s) => s.type === type);
    const queued = mean(of.map((s) => s.started! - s.scheduled));
    const ran = mean(of.map((s) => s.closed! - s.started!));
    lines.push(`${type.padEnd(20)} ×${String(of.length).padEnd(5)} waited ${queued.toFixed(1).padStart(6)} ms  ran ${ran.toFixed(1).padStart(7)} ms`);
  }
  const transfers = spans.filter((s) => s.type === 'transferVideo');
  const first = Math.min(...transfers.map((s) => s.started!));
  const last = Math.max(...transfers.map((s) => s.closed!));
  const busyMs = transfers.reduce((sum, s) => sum + (s.closed! - s.started!), 0);
  const transfersBusy = busyMs / (last - first);
  const perTransfer = (bytesPerFile / 1024 / 1024 / (mean(transfers.map((s) => s.closed! - s.started!)) / 1000)).toFixed(0);
  lines.push(`transfers running at once: ${transfersBusy.toFixed(1)} on average (${perTransfer} MB/s each)`);
  return { lines, transfersBusy };
}
