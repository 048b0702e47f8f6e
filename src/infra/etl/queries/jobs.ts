import type { Queryable } from '../../db/queryable';

/** The SQL of ETL jobs themselves: the job row, its counts and its rejected input rows. */

export async function insertEtlJob(db: Queryable, job: { id: string; source: 'csv' | 'json'; inputKey: string }): Promise<boolean> {
  const { rowCount } = await db.query(`INSERT INTO etl_jobs (id, source, input_key) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [job.id, job.source, job.inputKey]);
  return rowCount === 1;
}

export interface EtlJob {
  id: string;
  source: 'csv' | 'json';
  /** Object storage key of the input as received. */
  inputKey: string;
  status: string;
  totalRows: number | null;
  validRows: number | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const ETL_JOB_COLUMNS = `id, source, input_key AS "inputKey", status, total_rows AS "totalRows", valid_rows AS "validRows", error,
  created_at AS "createdAt", finished_at AS "finishedAt"`;

export async function findEtlJob(db: Queryable, id: string): Promise<EtlJob | undefined> {
  const { rows } = await db.query<EtlJob>(`SELECT ${ETL_JOB_COLUMNS} FROM etl_jobs WHERE id = $1`, [id]);
  return rows[0];
}

export async function recordRejections(db: Queryable, jobId: string, rejections: ReadonlyArray<{ rowNumber: number; column: string | null; reason: string }>): Promise<void> {
  if (rejections.length === 0) return;
  await db.query(
    `INSERT INTO etl_rejections (job_id, row_number, column_name, reason)
     SELECT $1, r.row_number, r.column_name, r.reason FROM unnest($2::int[], $3::text[], $4::text[]) AS r(row_number, column_name, reason)
     ON CONFLICT (job_id, row_number) DO UPDATE SET column_name = EXCLUDED.column_name, reason = EXCLUDED.reason`,
    [jobId, rejections.map((r) => r.rowNumber), rejections.map((r) => r.column), rejections.map((r) => r.reason)],
  );
}

export async function setJobCounts(db: Queryable, jobId: string, totalRows: number, validRows: number): Promise<void> {
  await db.query(`UPDATE etl_jobs SET total_rows = $2, valid_rows = $3, status = 'RUNNING' WHERE id = $1`, [jobId, totalRows, validRows]);
}

export async function finishEtlJob(db: Queryable, jobId: string, status: string, error?: string): Promise<void> {
  await db.query(`UPDATE etl_jobs SET status = $2, error = $3, finished_at = now() WHERE id = $1`, [jobId, status, error ?? null]);
}

/** From now on no transfer of the job starts (`transfersAllowed` says no); the final status follows with `finishEtlJob`. */
export async function markEtlJobCanceling(db: Queryable, jobId: string): Promise<void> {
  await db.query(`UPDATE etl_jobs SET status = 'CANCELING' WHERE id = $1 AND finished_at IS NULL`, [jobId]);
}

/** How many of a job's rows were rejected, and its videos by status. */
export interface EtlJobCounts {
  rejected: number;
  pending: number;
  downloaded: number;
  failed: number;
  loaded: number;
}

export async function jobCounts(db: Queryable, jobId: string): Promise<EtlJobCounts> {
  const { rows } = await db.query<EtlJobCounts>(
    `SELECT (SELECT count(*)::int FROM etl_rejections WHERE job_id = $1) AS rejected,
            count(*) FILTER (WHERE status = 'PENDING')::int AS pending,
            count(*) FILTER (WHERE status = 'DOWNLOADED')::int AS downloaded,
            count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
            count(*) FILTER (WHERE status = 'LOADED')::int AS loaded
     FROM etl_job_videos WHERE job_id = $1`,
    [jobId],
  );
  return rows[0];
}

export interface EtlRejection {
  rowNumber: number;
  column: string | null;
  reason: string;
}

export async function listRejections(db: Queryable, jobId: string, page: { limit: number; offset: number }): Promise<EtlRejection[]> {
  const { rows } = await db.query<EtlRejection>(
    `SELECT row_number AS "rowNumber", column_name AS "column", reason FROM etl_rejections WHERE job_id = $1 ORDER BY row_number LIMIT $2 OFFSET $3`,
    [jobId, page.limit, page.offset],
  );
  return rows;
}

export interface EtlJobRowCount {
  id: string;
  total: number;
  done: number;
  failed: number;
}

/** Input rows settled per job (loaded, failed or rejected), of all its rows, for the runs list. */
export async function jobRowCounts(db: Queryable, jobIds: readonly string[]): Promise<EtlJobRowCount[]> {
  const { rows } = await db.query<EtlJobRowCount>(
    `SELECT j.id, coalesce(j.total_rows, 0) AS total, v.settled + r.rejected AS done, v.failed + r.rejected AS failed
     FROM etl_jobs j
     CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status IN ('LOADED', 'FAILED'))::int AS settled,
                                count(*) FILTER (WHERE status = 'FAILED')::int AS failed
                         FROM etl_job_videos WHERE job_id = j.id) v
     CROSS JOIN LATERAL (SELECT count(*)::int AS rejected FROM etl_rejections WHERE job_id = j.id) r
     WHERE j.id = ANY($1::text[])`,
    [jobIds],
  );
  return rows;
}
