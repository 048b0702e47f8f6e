import path from 'node:path';
import { createEtlActivities } from '../../activities/etl';
import { etlJobRoutes } from '../../api/etl/routes';
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
});
