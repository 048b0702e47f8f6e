import path from 'node:path';
import { createRiskActivities } from '../../activities/risk';
import { assessmentRoutes } from '../../api/risk/assessment-routes';
import { gridBatchRoutes } from '../../api/risk/grid-batch-routes';
import { regionRoutes } from '../../api/risk/region-routes';
import { riskListedRuns } from '../../api/risk/listed-runs';
import { siteReportRoutes } from '../../api/risk/site-report-routes';
import { ensureReferenceData } from '../../infra/risk/reference-data/ensure';
import { classifyRiskFailure } from '../../activities/risk/failures';
import { definePipeline } from '../definition';
import { ensureGridBatchSchedule, runFirstGridBatch } from './grid-batch-schedule';
import { riskSettings } from './settings';

export const riskPipeline = definePipeline({
  name: 'risk',
  title: 'Climate physical risk',
  settings: riskSettings,
  workflowsModule: path.join(__dirname, '..', '..', 'workflows', 'risk'),
  workflowTypes: ['riskAssessmentWorkflow', 'siteRiskWorkflow', 'hazardGridBatchWorkflow', 'hazardGridChunkWorkflow'],
  activities: (deps, settings) => ({ activities: createRiskActivities(deps, settings) }),
  classifyFailure: classifyRiskFailure,
  routes: (deps, settings) => [
    ...assessmentRoutes(deps, settings),
    ...siteReportRoutes(deps),
    ...gridBatchRoutes(deps, settings),
    ...regionRoutes(deps, settings),
  ],
  listedRuns: (deps) => riskListedRuns(deps),
  // The reference grid is loaded on first start; later starts cost one count query.
  async prepareDatabase(pool, settings, log) {
    await ensureReferenceData(pool, settings.referenceData, log);
  },
  async ensureSchedules(client, settings, logger, pool) {
    await ensureGridBatchSchedule(client, settings);
    logger.info({ scheduleId: settings.gridBatch.scheduleId }, 'grid batch schedule ensured');
    const first = await runFirstGridBatch(client, pool, settings);
    if (first) {
      const msg = first.started ? 'first start: grid batch started; region scores answer 503 until it completes' : 'first start: a grid batch is already running';
      logger.info({ batchId: first.batchId }, msg);
    }
  },
});
