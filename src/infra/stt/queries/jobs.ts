import type { VendorTiming } from '../../../domain/stt/poll-schedule';
import type { Queryable } from '../../db/queryable';

/** Every SQL statement of transcription jobs, by name. */

/** The audio as stored in object storage. */
export interface StoredAudioRecord {
  audioKey: string;
  audioSha256: string;
  contentType: string;
  sizeBytes: number;
}

/** A job with its audio stored already (an upload), or with a URL its workflow fetches. */
export type NewSttJob = { id: string; vendor: string; filename: string; options: Record<string, unknown> } & (
  | ({ audioUrl?: undefined } & StoredAudioRecord)
  | { audioUrl: string }
);

export async function insertSttJob(db: Queryable, job: NewSttJob): Promise<boolean> {
  const audio = job.audioUrl === undefined ? job : undefined;
  const { rowCount } = await db.query(
    `INSERT INTO stt_jobs (id, vendor, audio_key, audio_sha256, filename, content_type, size_bytes, options, audio_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
    [job.id, job.vendor, audio?.audioKey ?? null, audio?.audioSha256 ?? null, job.filename, audio?.contentType ?? null, audio?.sizeBytes ?? null, job.options, job.audioUrl ?? null],
  );
  return rowCount === 1;
}

/** The fetched audio of an `{audioUrl}` job; a retry writes the same values again. */
export async function recordFetchedAudio(db: Queryable, id: string, audio: StoredAudioRecord): Promise<void> {
  await db.query(
    `UPDATE stt_jobs SET audio_key = $2, audio_sha256 = $3, content_type = $4, size_bytes = $5, updated_at = now() WHERE id = $1`,
    [id, audio.audioKey, audio.audioSha256, audio.contentType, audio.sizeBytes],
  );
}

export interface SttJob {
  id: string;
  vendor: string;
  /** Object storage key of the audio; retries never need the client again. Null until an `audioUrl` is fetched. */
  audioKey: string | null;
  audioSha256: string | null;
  /** Where the workflow fetches the audio from, for jobs that were given a URL. */
  audioUrl: string | null;
  filename: string;
  contentType: string | null;
  sizeBytes: number | null;
  options: Record<string, unknown>;
  vendorJobId: string | null;
  /** Submits whose answer was lost: the vendor may have run this audio once more for each. */
  submitsInDoubt: number;
  status: string;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

// size_bytes is a bigint; as float8 it arrives as a number, exact for any file below 2^53 bytes.
const STT_JOB_COLUMNS = `id, vendor, audio_key AS "audioKey", audio_sha256 AS "audioSha256", audio_url AS "audioUrl", filename, content_type AS "contentType",
  size_bytes::float8 AS "sizeBytes", options, vendor_job_id AS "vendorJobId", submits_in_doubt AS "submitsInDoubt", status, error,
  created_at AS "createdAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`;

export async function findSttJob(db: Queryable, id: string): Promise<SttJob | undefined> {
  const { rows } = await db.query<SttJob>(`SELECT ${STT_JOB_COLUMNS} FROM stt_jobs WHERE id = $1`, [id]);
  return rows[0];
}

/** First write wins: a vendor job id, once recorded, is never replaced by another submit. */
export async function recordVendorJobId(db: Queryable, id: string, vendorJobId: string): Promise<string> {
  const { rows } = await db.query<{ vendorJobId: string }>(
    `UPDATE stt_jobs SET vendor_job_id = COALESCE(vendor_job_id, $2), vendor_submitted_at = COALESCE(vendor_submitted_at, now()), submit_sent_at = NULL, status = 'RUNNING', updated_at = now()
     WHERE id = $1 RETURNING vendor_job_id AS "vendorJobId"`,
    [id, vendorJobId],
  );
  return rows[0].vendorJobId;
}

/** A submit request is about to go to the vendor: until its answer is recorded, its outcome is unknown. */
export async function markSubmitSent(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE stt_jobs SET submit_sent_at = now() WHERE id = $1`, [id]);
}

/** The vendor answered the submit with a refusal: it started no job. */
export async function clearSubmitSent(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE stt_jobs SET submit_sent_at = NULL WHERE id = $1 AND submit_sent_at IS NOT NULL`, [id]);
}

/**
 * Before a submit goes out again: a submit sent earlier whose answer was never recorded counts as
 * one in doubt (the vendor may be running it), on the job and on its vendor account. True when one
 * was found; it is counted once.
 */
export async function countLostSubmit(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `WITH lost AS (
       UPDATE stt_jobs SET submits_in_doubt = submits_in_doubt + 1, submit_sent_at = NULL, updated_at = now()
       WHERE id = $1 AND submit_sent_at IS NOT NULL AND vendor_job_id IS NULL
       RETURNING vendor)
     INSERT INTO vendor_limits (vendor, submits_in_doubt) SELECT vendor, 1 FROM lost
     ON CONFLICT (vendor) DO UPDATE SET submits_in_doubt = vendor_limits.submits_in_doubt + 1, updated_at = now()`,
    [id],
  );
  return rowCount === 1;
}

export interface UtteranceRecord {
  speaker: number;
  startMs: number;
  durationMs: number;
  text: string;
}

export async function replaceUtterances(db: Queryable, jobId: string, utterances: readonly UtteranceRecord[]): Promise<void> {
  await db.query(
    `INSERT INTO stt_utterances (job_id, seq, speaker, start_ms, duration_ms, text)
     SELECT $1, u.seq, u.speaker, u.start_ms, u.duration_ms, u.text
     FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::text[]) AS u(seq, speaker, start_ms, duration_ms, text)
     ON CONFLICT (job_id, seq) DO UPDATE SET speaker = EXCLUDED.speaker, start_ms = EXCLUDED.start_ms, duration_ms = EXCLUDED.duration_ms, text = EXCLUDED.text`,
    [
      jobId,
      utterances.map((_, i) => i),
      utterances.map((u) => u.speaker),
      utterances.map((u) => Math.round(u.startMs)),
      utterances.map((u) => Math.round(u.durationMs)),
      utterances.map((u) => u.text),
    ],
  );
  await db.query(`DELETE FROM stt_utterances WHERE job_id = $1 AND seq >= $2`, [jobId, utterances.length]);
}

export async function findUtterances(db: Queryable, jobId: string): Promise<UtteranceRecord[]> {
  const { rows } = await db.query<UtteranceRecord>(
    `SELECT speaker, start_ms AS "startMs", duration_ms AS "durationMs", text FROM stt_utterances WHERE job_id = $1 ORDER BY seq`,
    [jobId],
  );
  return rows;
}

/** What the workers' clocks saw of one vendor job, from the submit's answer (ms). */
export interface VendorJobTiming {
  /** To the request of the poll that found it done. */
  elapsedMs: number;
  /** To the request of the last poll that found it still transcribing, if one did. */
  runningMs?: number;
}

/** A poll found the vendor job done: the first such time counts for the vendor's timing, with the workers' `timing` when known. */
export async function recordVendorDone(db: Queryable, id: string, timing?: VendorJobTiming): Promise<void> {
  await db.query(
    `UPDATE stt_jobs SET vendor_done_at = COALESCE(vendor_done_at, now()),
                         vendor_elapsed_ms = CASE WHEN vendor_done_at IS NULL THEN $2 ELSE vendor_elapsed_ms END,
                         vendor_running_ms = CASE WHEN vendor_done_at IS NULL THEN $3 ELSE vendor_running_ms END
     WHERE id = $1`,
    [id, timing?.elapsedMs ?? null, timing?.runningMs ?? null],
  );
}

/** The bounds the vendor's last `limit` completed jobs set on its time per byte (domain/stt/poll-schedule.ts). */
export async function recentVendorTiming(db: Queryable, vendor: string, limit = 20): Promise<VendorTiming> {
  const { rows } = await db.query<{ fastestMsPerByte: number | null; slowestRunningMsPerByte: number | null; samples: number }>(
    `SELECT min(done_ms / size_bytes) AS "fastestMsPerByte", max(running_ms / size_bytes) AS "slowestRunningMsPerByte", count(*)::int AS samples FROM (
       SELECT COALESCE(vendor_elapsed_ms, extract(epoch FROM vendor_done_at - vendor_submitted_at) * 1000) AS done_ms, vendor_running_ms AS running_ms, size_bytes
       FROM stt_jobs
       WHERE vendor = $1 AND vendor_done_at IS NOT NULL AND vendor_submitted_at IS NOT NULL AND size_bytes > 0
       ORDER BY vendor_done_at DESC LIMIT $2) recent`,
    [vendor, limit],
  );
  const row = rows[0];
  const num = (v: number | null) => (v === null ? null : Number(v));
  return { fastestMsPerByte: num(row.fastestMsPerByte), slowestRunningMsPerByte: num(row.slowestRunningMsPerByte), samples: row.samples };
}

export async function finishSttJob(db: Queryable, id: string, status: string, error?: string): Promise<void> {
  await db.query(`UPDATE stt_jobs SET status = $2, error = $3, finished_at = now(), updated_at = now() WHERE id = $1`, [id, status, error ?? null]);
}
