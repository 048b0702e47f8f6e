import path from 'node:path';
import { createSystemCheckActivities } from '../../activities/system-check';
import { systemCheckRoutes } from '../../api/system-check/routes';
import { definePipeline } from '../definition';
import { systemCheckSettings } from './settings';

/** The operator's end-to-end probe: Temporal → a worker of the chosen queue → an activity → PostgreSQL. */
export const systemCheckPipeline = definePipeline({
  name: 'system-check',
  title: 'System check',
  settings: systemCheckSettings,
  workflowsModule: path.join(__dirname, '..', '..', 'workflows', 'system-check'),
  workflowTypes: ['systemCheckWorkflow'],
  activities: (deps) => ({ activities: createSystemCheckActivities(deps) }),
  activitiesOnEveryQueue: true,
  routes: (deps) => systemCheckRoutes(deps),
  listedRuns: () => ({ systemCheckWorkflow: { jobPath: (run) => `/api/system-checks/${run.businessKey ?? run.workflowId}` } }),
});
