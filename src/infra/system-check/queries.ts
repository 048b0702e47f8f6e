import type { Queryable } from '../db/queryable';

export interface SystemCheck {
  checkId: string;
  taskQueue: string;
  worker: string;
  attempts: number;
  firstSeenAt: Date;
  checkedAt: Date;
}

const SYSTEM_CHECK_COLUMNS = `check_id AS "checkId", task_queue AS "taskQueue", worker, attempts, first_seen_at AS "firstSeenAt", checked_at AS "checkedAt"`;

/** Upsert on (check_id, task_queue): a retried activity bumps `attempts` instead of adding a row. */
export async function upsertSystemCheck(db: Queryable, check: { checkId: string; taskQueue: string; worker: string }): Promise<SystemCheck> {
  const { rows } = await db.query<SystemCheck>(
    `INSERT INTO system_checks (check_id, task_queue, worker)
     VALUES ($1, $2, $3)
     ON CONFLICT (check_id, task_queue)
     DO UPDATE SET worker = EXCLUDED.worker, attempts = system_checks.attempts + 1, checked_at = now()
     RETURNING ${SYSTEM_CHECK_COLUMNS}`,
    [check.checkId, check.taskQueue, check.worker],
  );
  return rows[0];
}

export async function findSystemChecks(db: Queryable, checkId: string): Promise<SystemCheck[]> {
  const { rows } = await db.query<SystemCheck>(`SELECT ${SYSTEM_CHECK_COLUMNS} FROM system_checks WHERE check_id = $1 ORDER BY task_queue`, [checkId]);
  return rows;
}
