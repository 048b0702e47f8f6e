import { assessmentCellCounts, gridBatchPointCounts } from '../../infra/risk/queries/run-progress';
import type { ApiDeps } from '../shared/deps';
import { countedProgress, type ListedRunKinds, type ListedRunRef } from '../shared/run-list';

/** A retry run carries its assessment's id as business key; the first run is the assessment itself. */
const assessmentOf = (run: ListedRunRef) => run.businessKey ?? run.workflowId;

/** Assessments and grid batches in the runs list: their resources, and cells or grid points stored. */
export function riskListedRuns(deps: Pick<ApiDeps, 'pool'>): ListedRunKinds {
  return {
    riskAssessmentWorkflow: {
      jobPath: (run) => `/api/risk-assessments/${assessmentOf(run)}`,
      progress: (runs) => countedProgress(runs, assessmentOf, (ids) => assessmentCellCounts(deps.pool, ids), 'cells'),
    },
    hazardGridBatchWorkflow: {
      jobPath: (run) => `/api/risk-batches/${run.workflowId}`,
      progress: (runs) => countedProgress(runs, (run) => run.workflowId, (ids) => gridBatchPointCounts(deps.pool, ids), 'grid points'),
    },
  };
}
