import type { RegionScoreMap } from '../../domain/risk/regions/scores';
import type { Hazard, Scenario } from '../../domain/risk/types';
import { regionScores } from '../../infra/risk/queries/region-scores';
import { listRegions, type RegionRecord } from '../../infra/risk/queries/regions';
import type { RiskSettings } from '../../pipelines/risk/settings';
import type { ApiDeps } from '../shared/deps';

export type RegionService = ReturnType<typeof createRegionService>;

/** Regions and their scores: reads only, each one statement. */
export function createRegionService(deps: Pick<ApiDeps, 'pool'>, settings: RiskSettings) {
  return {
    list: (): Promise<RegionRecord[]> => listRegions(deps.pool),

    /** Every region's score per year from its nearest grid point; regions farther than RISK_MAX_GRID_DISTANCE_KM are gaps. */
    async scores(query: { hazard: Hazard; scenario: Scenario; years: number[] }): Promise<RegionScoreMap & { maxDistanceKm: number }> {
      const maxDistanceKm = settings.assessment.maxGridDistanceKm;
      return { ...(await regionScores(deps.pool, { ...query, maxDistanceKm })), maxDistanceKm };
    },
  };
}
