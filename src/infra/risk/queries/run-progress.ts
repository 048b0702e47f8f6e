import type { Queryable } from '../../db/queryable';

/** Work done per run, for the runs list: one statement for a whole page of runs. */
export interface WorkCount {
  id: string;
  total: number;
  done: number;
  failed: number;
}

/** Cells (site × scenario × year) stored per assessment, of all it asked for. */
export async function assessmentCellCounts(db: Queryable, assessmentIds: readonly string[]): Promise<WorkCount[]> {
  const { rows } = await db.query<WorkCount>(
    `SELECT a.id, (a.site_count * cardinality(a.scenarios) * (a.year_to - a.year_from + 1))::int AS total,
            c.done, c.failed
     FROM risk_assessments a
     CROSS JOIN LATERAL (SELECT count(*)::int AS done, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
                         FROM risk_cells WHERE assessment_id = a.id) c
     WHERE a.id = ANY($1::text[])`,
    [assessmentIds],
  );
  return rows;
}

/** Grid points stored per batch (failed: points skipped for unusable reference data), of the batch's plan. */
export async function gridBatchPointCounts(db: Queryable, batchIds: readonly string[]): Promise<WorkCount[]> {
  const { rows } = await db.query<WorkCount>(
    `SELECT b.id, b.points_total AS total, coalesce(sum(c.points), 0)::int AS done, coalesce(sum(c.failed_points), 0)::int AS failed
     FROM risk_grid_batches b LEFT JOIN risk_grid_batch_chunks c ON c.batch_id = b.id
     WHERE b.id = ANY($1::text[])
     GROUP BY b.id`,
    [batchIds],
  );
  return rows;
}
