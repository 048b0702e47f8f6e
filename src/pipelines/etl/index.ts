import path from 'node:path';
import { createEtlActivities } from '../../activities/etl';
import { etlJobRoutes } from '../../api/etl/routes';
import { countedProgress } from '../../api/shared/run-list';
import { jobRowCounts } from '../../infra/etl/queries';
import { createObjectStore } from '../../infra/storage';
import { classifyEtlFailure } from '../../activities/etl/failures';
import { definePipeline } from '../definition';
import { etlSettings } from './settings';

export const etlPipeline = definePipeline({
  name: 'etl',
  title: 'Video ETL',
  settings: etlSettings,
  workflowsModule: path.join(__dirname, '..', '..', 'workflows', 'etl'),
  workflowTypes: ['etlJobWorkflow', 'etlChunkWorkflow'],
  activities: (deps, settings) => ({
    activities: createEtlActivities({ pool: deps.pool, store: createObjectStore(deps.config.storage), fetch: deps.config.fetch, settings }),
  }),
  classifyFailure: classifyEtlFailure,
  routes: etlJobRoutes,
  listedRuns: (deps) => ({
    etlJobWorkflow: {
      jobPath: (run) => `/api/etl-jobs/${run.workflowId}`,
      progress: (runs) => countedProgress(runs, (run) => run.workflowId, (ids) => jobRowCounts(deps.pool, ids), 'rows'),
    },
  }),
});
