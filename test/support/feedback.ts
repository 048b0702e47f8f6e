import type { Pool } from 'pg';
import { startFakeModelServer, type FakeModelServer } from '../../devtools/fake-model-server';
import type { TestStack } from './stack';
import { waitUntil } from './stack';

export { startFakeModelServer, type FakeModelServer };

/** Stack settings that point the feedback pipeline at a fake model server, with quick timeouts for tests. */
export function feedbackEnv(server: FakeModelServer, extra: Record<string, string> = {}): Record<string, string> {
  return { LLM_BASE_URL: `${server.url}/v1`, LLM_IDLE_TIMEOUT_MS: '3000', LLM_BACKOFF_BASE_MS: '300', ...extra };
}

/** A challenge document as the crawler would have stored it. */
export async function insertChallenge(pool: Pool, challengeId: string, criteria = ['Shows the action taken', 'Says how often it is done', 'Names what it replaces']): Promise<void> {
  await pool.query(
    `INSERT INTO challenge_documents (challenge_id, title, summary, criteria, category) VALUES ($1, $2, $3, $4, 'waste')
     ON CONFLICT (challenge_id) DO NOTHING`,
    [challengeId, `Challenge ${challengeId}`, 'Cut single-use plastic for a week.', JSON.stringify(criteria)],
  );
}

export async function postFeedbackJob(stack: Pick<TestStack, 'apiUrl'>, body: unknown, key?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.apiUrl}/api/feedback-jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function getFeedbackJob(stack: Pick<TestStack, 'apiUrl'>, id: string): Promise<any> {
  return (await fetch(`${stack.apiUrl}/api/feedback-jobs/${id}`)).json();
}

export async function waitForFeedbackJob(stack: Pick<TestStack, 'apiUrl'>, id: string, status: string, timeoutMs = 60_000): Promise<any> {
  return waitUntil(
    `feedback job ${id} to be ${status}`,
    async () => {
      const view = await getFeedbackJob(stack, id);
      if (view.status === status) return view;
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(view.status)) throw new Error(`feedback job ended ${view.status} (${view.error}), wanted ${status}`);
      return undefined;
    },
    timeoutMs,
  );
}

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Reads a server-sent event stream to its end (or until `stopWhen` says so), keeping every event with when it arrived. */
export async function readSse(url: string, opts: { lastEventId?: string; stopWhen?: (e: SseEvent) => boolean; onEvent?: (e: SseEvent) => void } = {}): Promise<SseEvent[]> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const e: SseEvent = { event: 'message', data: '' };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) e.data += line.slice(6);
        }
        if (block.startsWith(':')) continue;
        events.push(e);
        opts.onEvent?.(e);
        if (opts.stopWhen?.(e)) {
          controller.abort();
          return events;
        }
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  return events;
}

/** The text of the last model call in a stream's events: a `call` event starts a new one. */
export function lastCallText(events: readonly SseEvent[]): string {
  let text = '';
  for (const e of events) {
    if (e.event === 'call') text = '';
    if (e.event === 'token') text += (JSON.parse(e.data) as { text: string }).text;
  }
  return text;
}

export async function storedResults(pool: Pool, jobIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ job_id: string; n: number }>(`SELECT job_id, count(*)::int AS n FROM feedback_results WHERE job_id = ANY($1) GROUP BY job_id`, [jobIds]);
  return new Map(rows.map((r) => [r.job_id, r.n]));
}
