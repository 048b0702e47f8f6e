import type { Queryable } from '../db/queryable';

export interface SystemCheckRow {
  check_id: string;
  task_queue: string;
  worker: string;
  attempts: number;
  first_seen_at: Date;
  checked_at: Date;
}

/** Upsert on (check_id, task_queue): a retried activity bumps `attempts` instead of adding a row. */
export async function upsertSystemCheck(db: Queryable, check: { checkId: string; taskQueue: string; worker: string }): Promise<SystemCheckRow> {
  const { rows } = await db.query<SystemCheckRow>(
    `INSERT INTO system_checks (check_id, task_queue, worker)
     VALUES ($1, $2, $3)
     ON CONFLICT (check_id, task_queue)
     DO UPDATE SET worker = EXCLUDED.worker, attempts = system_checks.attempts + 1, checked_at = now()
     RETURNING *`,
    [check.checkId, check.taskQueue, check.worker],
  );
  return rows[0];
}

export async function findSystemChecks(db: Queryable, checkId: string): Promise<SystemCheckRow[]> {
  const { rows } = await db.query<SystemCheckRow>('SELECT * FROM system_checks WHERE check_id = $1 ORDER BY task_queue', [checkId]);
  return rows;
}
