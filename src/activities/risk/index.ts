import type { RiskSettings } from '../../pipelines/risk/settings';
import type { ActivityDeps } from '../shared/deps';
import { createGridBatchActivities } from './grid-batch';
import { createRiskActivities as createSiteActivities } from './site';

/** Site assessments and the grid batch share the risk queue. */
export function createRiskActivities(deps: ActivityDeps, settings: RiskSettings) {
  return {
    ...createSiteActivities({ pool: deps.pool, logger: deps.logger, maxGridDistanceKm: settings.assessment.maxGridDistanceKm }),
    ...createGridBatchActivities(deps),
  };
}
