import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { upsertSystemCheck } from '../../infra/system-check/queries';

export interface SystemCheckResult {
  checkId: string;
  taskQueue: string;
  worker: string;
  attempts: number;
}

/** Proves a worker on a queue can reach PostgreSQL: one idempotent row per (check, queue). */
export function createSystemCheckActivities(deps: { pool: Pool; workerIdentity: string }) {
  return {
    async recordSystemCheck(checkId: string): Promise<SystemCheckResult> {
      const { taskQueue } = Context.current().info;
      const row = await upsertSystemCheck(deps.pool, { checkId, taskQueue, worker: deps.workerIdentity });
      return { checkId, taskQueue, worker: row.worker, attempts: row.attempts };
    },
  };
}

export type SystemCheckActivities = ReturnType<typeof createSystemCheckActivities>;
