import type { WorkflowHandle } from '@temporalio/client';
import type { GridIdRange } from '../../src/domain/risk/grid-chunks';
import type { GridBatchTuning } from '../../src/pipelines/risk/settings';
import type { hazardGridBatchWorkflow } from '../../src/workflows/risk/grid-batch';
import type { TestStack } from './stack';

/** The first `count` grid points as an inclusive id range: a small grid for batch tests. */
export async function firstGridPoints(stack: TestStack, count: number, offset = 0): Promise<GridIdRange & { ids: number[] }> {
  const { rows } = await stack.pool.query<{ id: string }>('SELECT id FROM risk_grid_points ORDER BY id OFFSET $2 LIMIT $1', [count, offset]);
  const ids = rows.map((r) => Number(r.id));
  return { from: ids[0], to: ids[ids.length - 1], ids };
}

/** Starts a batch over part of the grid directly (not through the schedule), as benchmarks and tests do. */
export async function startGridBatch(
  stack: TestStack,
  batchId: string,
  range: GridIdRange,
  tuning: Partial<GridBatchTuning> = {},
): Promise<WorkflowHandle<typeof hazardGridBatchWorkflow>> {
  return stack.temporal.workflow.start<typeof hazardGridBatchWorkflow>('hazardGridBatchWorkflow', {
    workflowId: batchId,
    taskQueue: stack.config.pipelines.risk.queue.taskQueue,
    args: [{ trigger: 'direct', range, tuning: { ...stack.config.pipelines.risk.gridBatch, ...tuning } }],
    workflowExecutionTimeout: '10 minutes',
  });
}

export async function gridRowCounts(stack: TestStack, range: GridIdRange): Promise<{ hazard: number; probability: number }> {
  const { rows } = await stack.pool.query(
    `SELECT (SELECT count(*) FROM hazard_results WHERE grid_id BETWEEN $1 AND $2)::int AS hazard,
            (SELECT count(*) FROM probability_results WHERE grid_id BETWEEN $1 AND $2)::int AS probability`,
    [range.from, range.to],
  );
  return rows[0];
}

export async function apiJson(stack: TestStack, method: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.apiUrl}${path}`, { method });
  return { status: res.status, body: await res.json() };
}
