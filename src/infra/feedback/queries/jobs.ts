import type { ChallengeDocument, FeedbackAnswer, Submission } from '../../../domain/feedback';
import type { Queryable } from '../../db/queryable';

/** Every SQL statement of feedback jobs and their results (migration 012), by name. */

export interface FeedbackJob {
  id: string;
  challengeId: string;
  submission: Submission;
  status: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface JobRow {
  id: string;
  challenge_id: string;
  submission: Submission;
  status: string;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const toJob = (r: JobRow): FeedbackJob => ({
  id: r.id,
  challengeId: r.challenge_id,
  submission: r.submission,
  status: r.status,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** Stores a new job; false when one with this id exists already (a concurrent request stored it). */
export async function insertFeedbackJob(db: Queryable, job: { id: string; challengeId: string; submission: Submission }): Promise<boolean> {
  const { rowCount } = await db.query(`INSERT INTO feedback_jobs (id, challenge_id, submission) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
    job.id,
    job.challengeId,
    job.submission,
  ]);
  return rowCount === 1;
}

export async function findFeedbackJob(db: Queryable, id: string): Promise<FeedbackJob | undefined> {
  const { rows } = await db.query<JobRow>(`SELECT * FROM feedback_jobs WHERE id = $1`, [id]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

export async function listFeedbackJobs(db: Queryable, page: { limit: number; offset: number }): Promise<FeedbackJob[]> {
  const { rows } = await db.query<JobRow>(`SELECT * FROM feedback_jobs ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
  return rows.map(toJob);
}

export async function finishFeedbackJob(db: Queryable, id: string, status: string, error?: string): Promise<void> {
  await db.query(`UPDATE feedback_jobs SET status = $2, error = $3, finished_at = COALESCE(finished_at, now()) WHERE id = $1`, [id, status, error ?? null]);
}

export async function findChallenge(db: Queryable, challengeId: string): Promise<ChallengeDocument | undefined> {
  const { rows } = await db.query<{ challenge_id: string; title: string; summary: string; criteria: unknown; category: string | null }>(
    `SELECT challenge_id, title, summary, criteria, category FROM challenge_documents WHERE challenge_id = $1`,
    [challengeId],
  );
  const r = rows[0];
  if (!r) return undefined;
  const criteria = Array.isArray(r.criteria) ? r.criteria.filter((c): c is string => typeof c === 'string') : [];
  return { challengeId: r.challenge_id, title: r.title, summary: r.summary, criteria, category: r.category };
}

export interface StoredResult {
  answer: FeedbackAnswer;
  repaired: boolean;
  model: string | null;
  createdAt: Date;
}

/** The job's one result: the first stored stands, a later call of the same job stores nothing. */
export async function storeResult(db: Queryable, jobId: string, result: { answer: FeedbackAnswer; repaired: boolean; model: string | null }): Promise<void> {
  await db.query(`INSERT INTO feedback_results (job_id, answer, repaired, model) VALUES ($1, $2, $3, $4) ON CONFLICT (job_id) DO NOTHING`, [
    jobId,
    result.answer,
    result.repaired,
    result.model,
  ]);
}

export async function findResult(db: Queryable, jobId: string): Promise<StoredResult | undefined> {
  const { rows } = await db.query<{ answer: FeedbackAnswer; repaired: boolean; model: string | null; created_at: Date }>(
    `SELECT answer, repaired, model, created_at FROM feedback_results WHERE job_id = $1`,
    [jobId],
  );
  const r = rows[0];
  return r ? { answer: r.answer, repaired: r.repaired, model: r.model, createdAt: r.created_at } : undefined;
}

export interface ModelCallRecord {
  callKey: string;
  purpose: 'answer' | 'repair';
  outcome: 'valid' | 'invalid' | 'rate_limited' | 'failed';
  promptTokens: number | null;
  completionTokens: number | null;
  output?: string;
  reason?: string;
}

/** One model call; recording the same call again changes nothing. */
export async function recordModelCall(db: Queryable, jobId: string, call: ModelCallRecord): Promise<void> {
  await db.query(
    `INSERT INTO feedback_model_calls (job_id, call_key, purpose, outcome, prompt_tokens, completion_tokens, output, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (job_id, call_key) DO NOTHING`,
    [jobId, call.callKey, call.purpose, call.outcome, call.promptTokens, call.completionTokens, call.output ?? null, call.reason ?? null],
  );
}

/** The invalid answer a repair shows the model, and why it was invalid. */
export async function findInvalidAnswer(db: Queryable, jobId: string, callKey: string): Promise<{ output: string; reason: string } | undefined> {
  const { rows } = await db.query<{ output: string | null; reason: string | null }>(
    `SELECT output, reason FROM feedback_model_calls WHERE job_id = $1 AND call_key = $2 AND outcome = 'invalid'`,
    [jobId, callKey],
  );
  const r = rows[0];
  return r && r.output !== null ? { output: r.output, reason: r.reason ?? 'invalid' } : undefined;
}

export interface UsageTotals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export async function usageOf(db: Queryable, jobId: string): Promise<UsageTotals> {
  const { rows } = await db.query<{ calls: number; prompt: number; completion: number }>(
    `SELECT count(*)::int AS calls, COALESCE(sum(prompt_tokens), 0)::int AS prompt, COALESCE(sum(completion_tokens), 0)::int AS completion
     FROM feedback_model_calls WHERE job_id = $1 AND outcome IN ('valid', 'invalid')`,
    [jobId],
  );
  return { calls: rows[0].calls, promptTokens: rows[0].prompt, completionTokens: rows[0].completion };
}
