import type { Queryable } from '../../db/queryable';

/** The SQL of a job's videos: staging, events, outcomes and the catalogue. Writes are upserts on natural keys. */

export interface StagedVideo {
  id: string;
  title: string;
  category?: string | null;
  instructor?: string | null;
  durationSeconds?: number | null;
  publishedAt?: string | null;
  videoUrl: string;
}

/** Stages one batch of valid rows; `firstOrdinal` numbers them for chunking. Re-staging updates. */
export async function stageVideos(db: Queryable, jobId: string, firstOrdinal: number, videos: readonly StagedVideo[]): Promise<void> {
  if (videos.length === 0) return;
  await db.query(
    `INSERT INTO etl_job_videos (job_id, video_id, ordinal, title, category, instructor, duration_seconds, published_at, source_url)
     SELECT $1, v.id, v.ordinal, v.title, v.category, v.instructor, v.duration, v.published::date, v.url
     FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[])
       AS v(id, ordinal, title, category, instructor, duration, published, url)
     ON CONFLICT (job_id, video_id) DO UPDATE SET title = EXCLUDED.title, category = EXCLUDED.category, instructor = EXCLUDED.instructor,
       duration_seconds = EXCLUDED.duration_seconds, published_at = EXCLUDED.published_at, source_url = EXCLUDED.source_url, updated_at = now()`,
    [
      jobId,
      videos.map((v) => v.id),
      videos.map((_, i) => firstOrdinal + i),
      videos.map((v) => v.title),
      videos.map((v) => v.category ?? null),
      videos.map((v) => v.instructor ?? null),
      videos.map((v) => v.durationSeconds ?? null),
      videos.map((v) => v.publishedAt ?? null),
      videos.map((v) => v.videoUrl),
    ],
  );
}

export interface StagedVideoRef {
  videoId: string;
  title: string;
  sourceUrl: string;
  status: string;
}

export async function findJobVideo(db: Queryable, jobId: string, videoId: string): Promise<StagedVideoRef | undefined> {
  const { rows } = await db.query<StagedVideoRef>(
    `SELECT video_id AS "videoId", title, source_url AS "sourceUrl", status FROM etl_job_videos WHERE job_id = $1 AND video_id = $2`,
    [jobId, videoId],
  );
  return rows[0];
}

/** Source URLs of several staged videos of a job, by video id. */
export async function jobVideoSources(db: Queryable, jobId: string, videoIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ video_id: string; source_url: string }>(
    `SELECT video_id, source_url FROM etl_job_videos WHERE job_id = $1 AND video_id = ANY($2::text[])`,
    [jobId, videoIds],
  );
  return new Map(rows.map((r) => [r.video_id, r.source_url]));
}

/** Video ids of a chunk of ordinals still to process (a re-run skips what is already loaded). */
export async function videosInRange(db: Queryable, jobId: string, fromOrdinal: number, toOrdinal: number): Promise<string[]> {
  const { rows } = await db.query<{ video_id: string }>(
    `SELECT video_id FROM etl_job_videos WHERE job_id = $1 AND ordinal >= $2 AND ordinal < $3 AND status <> 'LOADED' ORDER BY ordinal`,
    [jobId, fromOrdinal, toOrdinal],
  );
  return rows.map((r) => r.video_id);
}

export async function logVideoEvent(db: Queryable, jobId: string, videoId: string, event: string, detail: Record<string, unknown> = {}): Promise<void> {
  await logVideoEvents(db, jobId, videoId, [{ event, detail }]);
}

/** Several events of one video in one round trip, in the given order. */
export async function logVideoEvents(db: Queryable, jobId: string, videoId: string, events: ReadonlyArray<{ event: string; detail?: Record<string, unknown> }>): Promise<void> {
  await db.query(
    `INSERT INTO video_events (job_id, video_id, event, detail)
     SELECT $1, $2, e.event, e.detail FROM unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS e(event, detail, n) ORDER BY e.n`,
    [jobId, videoId, events.map((e) => e.event), events.map((e) => JSON.stringify(e.detail ?? {}))],
  );
}

/** Events of several videos of one job in one round trip, in the given order. */
export async function logJobEvents(db: Queryable, jobId: string, events: ReadonlyArray<{ videoId: string; event: string; detail?: Record<string, unknown> }>): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO video_events (job_id, video_id, event, detail)
     SELECT $1, e.video_id, e.event, e.detail FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS e(video_id, event, detail, n) ORDER BY e.n`,
    [jobId, events.map((e) => e.videoId), events.map((e) => e.event), events.map((e) => JSON.stringify(e.detail ?? {}))],
  );
}

/**
 * Whether a transfer of the job may begin: false once the job is being (or has been) cancelled.
 * A read, so it waits for no commit: the caller holds a download slot while it asks.
 */
export async function transfersAllowed(db: Queryable, jobId: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM etl_jobs WHERE id = $1 AND status NOT IN ('CANCELING', 'CANCELED')`, [jobId]);
  return (rowCount ?? 0) > 0;
}

/** The media is in storage: status DOWNLOADED and the `downloaded` event, in one statement (one commit). */
export async function recordDownloaded(db: Queryable, jobId: string, videoId: string, attempts: number, detail: Record<string, unknown>): Promise<void> {
  await db.query(
    `WITH marked AS (UPDATE etl_job_videos SET status = 'DOWNLOADED', attempts = $3, error = NULL, updated_at = now() WHERE job_id = $1 AND video_id = $2)
     INSERT INTO video_events (job_id, video_id, event, detail) VALUES ($1, $2, 'downloaded', $4)`,
    [jobId, videoId, attempts, detail],
  );
}

export interface LoadedVideo {
  jobId: string;
  videoId: string;
  resolvedUrl: string | null;
  httpStatus: number | null;
  storageKey: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  status: 'LOADED' | 'FAILED';
  attempts: number;
}

/** A video's catalogue row follows its latest job: every column but the id is replaced. */
const UPSERT_VIDEO_ON_CONFLICT = `ON CONFLICT (video_id) DO UPDATE SET title = EXCLUDED.title, category = EXCLUDED.category,
         instructor = EXCLUDED.instructor, duration_seconds = EXCLUDED.duration_seconds, published_at = EXCLUDED.published_at,
         source_url = EXCLUDED.source_url, resolved_url = EXCLUDED.resolved_url, http_status = EXCLUDED.http_status,
         storage_key = EXCLUDED.storage_key, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, status = EXCLUDED.status,
         attempts = EXCLUDED.attempts, last_job_id = EXCLUDED.last_job_id, updated_at = now()`;

/**
 * A video's outcome in one statement (one commit): the catalogue row upserted from the job's staged
 * metadata, the job's status for the video, and its event. The sub-statements share one snapshot:
 * the catalogue reads the staged metadata, the status update touches other columns of that row.
 */
export async function recordVideoOutcome(db: Queryable, v: LoadedVideo, outcome: { error?: string; event: string; detail: Record<string, unknown> }): Promise<void> {
  await db.query(
    `WITH catalogued AS (
       INSERT INTO videos (video_id, title, category, instructor, duration_seconds, published_at, source_url, resolved_url, http_status,
                           storage_key, size_bytes, sha256, status, attempts, last_job_id)
       SELECT video_id, title, category, instructor, duration_seconds, published_at, source_url, $3, $4, $5, $6, $7, $8, $9, job_id
       FROM etl_job_videos WHERE job_id = $1 AND video_id = $2
       ${UPSERT_VIDEO_ON_CONFLICT}
     ), marked AS (
       UPDATE etl_job_videos SET status = $8, attempts = $9, error = $10, updated_at = now() WHERE job_id = $1 AND video_id = $2
     )
     INSERT INTO video_events (job_id, video_id, event, detail) VALUES ($1, $2, $11, $12)`,
    [v.jobId, v.videoId, v.resolvedUrl, v.httpStatus, v.storageKey, v.sizeBytes, v.sha256, v.status, v.attempts, outcome.error ?? null, outcome.event, outcome.detail],
  );
}

export interface LoadedBatchVideo {
  videoId: string;
  resolvedUrl: string;
  httpStatus: number;
  storageKey: string;
  sizeBytes: number;
  sha256: string;
  attempts: number;
}

/** `recordVideoOutcome` for a batch of loaded videos of one job (distinct ids): one statement, one commit. */
export async function recordLoadedVideos(db: Queryable, jobId: string, videos: readonly LoadedBatchVideo[]): Promise<void> {
  if (videos.length === 0) return;
  await db.query(
    `WITH input AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::text[], $8::int[]) WITH ORDINALITY
         AS i(video_id, resolved_url, http_status, storage_key, size_bytes, sha256, attempts, n)
     ), catalogued AS (
       INSERT INTO videos (video_id, title, category, instructor, duration_seconds, published_at, source_url, resolved_url, http_status,
                           storage_key, size_bytes, sha256, status, attempts, last_job_id)
       SELECT j.video_id, j.title, j.category, j.instructor, j.duration_seconds, j.published_at, j.source_url, i.resolved_url, i.http_status,
              i.storage_key, i.size_bytes, i.sha256, 'LOADED', i.attempts, j.job_id
       FROM input i JOIN etl_job_videos j ON j.job_id = $1 AND j.video_id = i.video_id
       ${UPSERT_VIDEO_ON_CONFLICT}
     ), marked AS (
       UPDATE etl_job_videos j SET status = 'LOADED', attempts = i.attempts, error = NULL, updated_at = now()
       FROM input i WHERE j.job_id = $1 AND j.video_id = i.video_id
     )
     INSERT INTO video_events (job_id, video_id, event, detail) SELECT $1, video_id, 'loaded', '{}' FROM input ORDER BY n`,
    [
      jobId,
      videos.map((v) => v.videoId),
      videos.map((v) => v.resolvedUrl),
      videos.map((v) => v.httpStatus),
      videos.map((v) => v.storageKey),
      videos.map((v) => v.sizeBytes),
      videos.map((v) => v.sha256),
      videos.map((v) => v.attempts),
    ],
  );
}

export const JOB_VIDEO_STATUSES = ['PENDING', 'DOWNLOADED', 'LOADED', 'FAILED'] as const;

/** A video of a job: its staged metadata and status, and what loading it stored (null until loaded). */
export interface EtlJobVideo {
  videoId: string;
  title: string;
  status: string;
  attempts: number;
  error: string | null;
  sourceUrl: string;
  resolvedUrl: string | null;
  httpStatus: number | null;
  storageKey: string | null;
  sizeBytes: number | null;
  sha256: string | null;
}

export async function listJobVideos(db: Queryable, jobId: string, status: string | undefined, page: { limit: number; offset: number }): Promise<EtlJobVideo[]> {
  const { rows } = await db.query<EtlJobVideo>(
    `SELECT j.video_id AS "videoId", j.title, j.status, j.attempts, j.error, j.source_url AS "sourceUrl", v.resolved_url AS "resolvedUrl",
            v.http_status AS "httpStatus", v.storage_key AS "storageKey", v.size_bytes::float8 AS "sizeBytes", v.sha256
     FROM etl_job_videos j LEFT JOIN videos v ON v.video_id = j.video_id AND v.last_job_id = j.job_id
     WHERE j.job_id = $1 AND ($2::text IS NULL OR j.status = $2) ORDER BY j.ordinal LIMIT $3 OFFSET $4`,
    [jobId, status ?? null, page.limit, page.offset],
  );
  return rows;
}
