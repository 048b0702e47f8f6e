import type { RegionScoreMap } from '../../domain/risk/regions/scores';
import type { Hazard, Scenario } from '../../domain/risk/types';
import { regionScores } from '../../infra/risk/queries/region-scores';
import { listRegions, type RegionRecord } from '../../infra/risk/queries/regions';
import type { RiskSettings } from '../../pipelines/risk/settings';
import type { ApiDeps } from '../shared/deps';
import { createGridBatchService, type RunningBatch } from './grid-batch-service';

export type RegionService = ReturnType<typeof createRegionService>;

/** Between these, the estimate of a running batch's remaining time becomes the 503's Retry-After. */
const RETRY_AFTER_S = { min: 5, max: 300, unknown: 30 } as const;

/** Seconds until a running batch is likely done, from its pace so far; a fixed guess before its first chunk. */
export function retryAfterSeconds(batch: RunningBatch, now = Date.now()): number {
  if (!batch.startedAt || batch.pointsDone <= 0) return RETRY_AFTER_S.unknown;
  const elapsedS = (now - batch.startedAt.getTime()) / 1000;
  const remainingS = (elapsedS * (batch.pointsTotal - batch.pointsDone)) / batch.pointsDone;
  return Math.round(Math.min(RETRY_AFTER_S.max, Math.max(RETRY_AFTER_S.min, remainingS)));
}

/** Regions and their scores: reads only, each one statement; on a gap, whether a grid batch is filling it. */
export function createRegionService(deps: Pick<ApiDeps, 'pool' | 'temporal'>, settings: RiskSettings) {
  const batches = createGridBatchService(deps, settings);
  return {
    list: (): Promise<RegionRecord[]> => listRegions(deps.pool),

    /** Every region's score per year from its nearest grid point; regions farther than RISK_MAX_GRID_DISTANCE_KM are gaps. */
    async scores(query: { hazard: Hazard; scenario: Scenario; years: number[] }): Promise<RegionScoreMap & { maxDistanceKm: number }> {
      const maxDistanceKm = settings.assessment.maxGridDistanceKm;
      return { ...(await regionScores(deps.pool, { ...query, maxDistanceKm })), maxDistanceKm };
    },

    /** The grid batch the schedule is running (the first start's, or one asked for), which will fill missing scores. */
    runningBatch: (): Promise<RunningBatch | undefined> => batches.running(),
  };
}
