import type { Queryable } from '../../db/queryable';

/**
 * The live token stream of feedback jobs: the generating activity appends small batches, the
 * SSE route replays and follows them. NOTIFY on `FEEDBACK_STREAM_CHANNEL` (payload: the job id)
 * wakes followers.
 */
export const FEEDBACK_STREAM_CHANNEL = 'feedback_stream';

export interface StreamEvent {
  seq: number;
  kind: 'call' | 'tokens';
  data: string;
}

/** The next free seq: a new model call (a retry after a crash included) goes on after what is stored. */
export async function nextStreamSeq(db: Queryable, jobId: string): Promise<number> {
  const { rows } = await db.query<{ next: number }>(`SELECT COALESCE(max(seq), 0)::int + 1 AS next FROM feedback_stream_events WHERE job_id = $1`, [jobId]);
  return rows[0].next;
}

/** Appends events from `firstSeq` on and wakes followers; a seq taken already (a zombie attempt) is skipped. */
export async function appendStreamEvents(db: Queryable, jobId: string, firstSeq: number, events: Array<Omit<StreamEvent, 'seq'>>): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `WITH e AS (SELECT * FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t(kind, data, n))
     INSERT INTO feedback_stream_events (job_id, seq, kind, data)
     SELECT $1, $2 + n - 1, kind, data FROM e ON CONFLICT (job_id, seq) DO NOTHING`,
    [jobId, firstSeq, events.map((e) => e.kind), events.map((e) => e.data)],
  );
  await db.query(`SELECT pg_notify($1, $2)`, [FEEDBACK_STREAM_CHANNEL, jobId]);
}

export async function streamEventsAfter(db: Queryable, jobId: string, afterSeq: number, limit = 500): Promise<StreamEvent[]> {
  const { rows } = await db.query<StreamEvent>(
    `SELECT seq, kind, data FROM feedback_stream_events WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [jobId, afterSeq, limit],
  );
  return rows;
}

/** Wakes stream followers when a job finishes, so they send the final event without waiting out a poll. */
export async function notifyStreamFollowers(db: Queryable, jobId: string): Promise<void> {
  await db.query(`SELECT pg_notify($1, $2)`, [FEEDBACK_STREAM_CHANNEL, jobId]);
}
