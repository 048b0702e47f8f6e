import {
  CancellationScope,
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RiskTuning } from '../../pipelines/risk/settings';
import type { Scenario } from '../../domain/risk/types';
import { FanOut } from '../shared/fan-out';
import { BUSINESS_KEY, PIPELINE, SITE_IDS, STATUS_DETAIL } from '../shared/search-attributes';
import { bookkeepingSteps, siteRiskWorkflow, type SiteRiskResult } from './site';

export interface RiskAssessmentInput {
  assessmentId: string;
  siteCount: number;
  scenarios: Scenario[];
  yearFrom: number;
  yearTo: number;
  /** 'failed-only' re-runs just the failed cells of an earlier run. */
  mode: 'all' | 'failed-only';
  tuning: RiskTuning;
  /** Carried across continue-as-new. */
  progress?: RiskProgress;
}

export interface RiskProgress {
  /** Ordinal of the last site handed to a child; the next run starts after it. */
  cursor: number;
  sitesDone: number;
  sitesFailed: number;
  completedCells: number;
  failedCells: number;
}

export interface RiskAssessmentStatus extends RiskProgress {
  totalSites: number;
  totalCells: number;
  sitesInFlight: number;
}

export const riskProgressQuery = defineQuery<RiskAssessmentStatus>('progress');

const PAGE_SIZE = 100;

/**
 * A portfolio assessment: one child workflow per site, at most `maxSitesInFlight` at a time.
 * After `sitesPerRun` sites it continues as new, so 10,000 sites stay far below Temporal's
 * history and pending-children limits.
 */
export async function riskAssessmentWorkflow(input: RiskAssessmentInput): Promise<RiskAssessmentStatus> {
  const { listSitePage, finishAssessment } = bookkeepingSteps(20);
  const progress: RiskProgress = input.progress ?? { cursor: -1, sitesDone: 0, sitesFailed: 0, completedCells: 0, failedCells: 0 };
  const cellsPerSite = input.scenarios.length * (input.yearTo - input.yearFrom + 1);
  const sites = new FanOut({
    from: progress.cursor,
    nextPage: (afterOrdinal: number, limit: number) =>
      listSitePage({ assessmentId: input.assessmentId, afterOrdinal, limit, onlyWithFailures: input.mode === 'failed-only' }),
    cursorAfter: (site) => site.ordinal,
    pageSize: PAGE_SIZE,
    maxInFlight: input.tuning.maxSitesInFlight,
    perRun: input.tuning.sitesPerRun,
    runChild: (site) => runSite(input, site.siteId),
    onResult: (result: SiteRiskResult) => {
      progress.sitesDone += 1;
      if (result.status === 'FAILED') progress.sitesFailed += 1;
      progress.completedCells += result.completedCells;
      progress.failedCells += result.failedCells;
      setCurrentDetails(
        `**${progress.sitesDone}/${input.siteCount}** sites done · ${progress.completedCells} cells completed · ${progress.failedCells} failed · ${sites.inFlight} sites in flight`,
      );
    },
  });
  const status = (): RiskAssessmentStatus => ({
    ...progress,
    cursor: sites.cursor,
    totalSites: input.siteCount,
    totalCells: input.siteCount * cellsPerSite,
    sitesInFlight: sites.inFlight,
  });
  setHandler(riskProgressQuery, status);

  try {
    const run = await sites.run();
    if (run.more) await continueAsNew<typeof riskAssessmentWorkflow>({ ...input, progress: { ...progress, cursor: run.cursor } });
    const detail = progress.failedCells > 0 || progress.sitesFailed > 0 ? 'completed_with_failures' : 'completed';
    upsertSearchAttributes([{ key: STATUS_DETAIL, value: detail }]);
    await finishAssessment({ assessmentId: input.assessmentId, status: 'COMPLETED' });
    return status();
  } catch (err) {
    if (isCancellation(err)) {
      // The sites finished so far stay stored; the cancelled ones have recorded their own state.
      await CancellationScope.nonCancellable(async () => {
        upsertSearchAttributes([{ key: STATUS_DETAIL, value: 'canceled' }]);
        await finishAssessment({ assessmentId: input.assessmentId, status: 'CANCELED' });
      });
    }
    throw err;
  }
}

async function runSite(input: RiskAssessmentInput, siteId: string): Promise<SiteRiskResult> {
  try {
    return await executeChild(siteRiskWorkflow, {
      // A retry run's children get the retry run's prefix, so each run's children are distinct.
      workflowId: `${workflowInfo().workflowId}-site-${siteId}`,
      args: [
        {
          assessmentId: input.assessmentId,
          siteId,
          scenarios: input.scenarios,
          yearFrom: input.yearFrom,
          yearTo: input.yearTo,
          onlyFailed: input.mode === 'failed-only',
          tuning: input.tuning,
        },
      ],
      typedSearchAttributes: [
        { key: PIPELINE, value: 'risk' },
        { key: BUSINESS_KEY, value: input.assessmentId },
        { key: SITE_IDS, value: [siteId] },
      ],
      staticSummary: `site ${siteId} of ${input.assessmentId}`,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    // A site workflow that failed outright (not one with failed cells) counts as a failed site.
    return { siteId, status: 'FAILED', completedCells: 0, failedCells: 0 };
  }
}
