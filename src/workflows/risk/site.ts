import {
  ActivityFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RiskActivities } from '../../activities/risk/site';
import type { RiskTuning } from '../../pipelines/risk/settings';
import { describeCellGroup, groupCells, planCellGroups, type CellGroup } from '../../domain/risk/cell-groups';
import type { Scenario } from '../../domain/risk/types';
import { failureMessage } from '../shared/failures';
import { STATUS_DETAIL } from '../shared/search-attributes';

export interface SiteRiskInput {
  assessmentId: string;
  siteId: string;
  scenarios: Scenario[];
  yearFrom: number;
  yearTo: number;
  /** Re-run only the cells that are not completed (retry-failed). */
  onlyFailed: boolean;
  tuning: RiskTuning;
}

export interface SiteRiskResult {
  siteId: string;
  status: 'COMPLETED' | 'PARTIAL' | 'FAILED' | 'CANCELED';
  completedCells: number;
  failedCells: number;
}

const RETRYABLE = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;
const GROUP_MAX_ATTEMPTS = 5;
/** Marks runs whose bookkeeping steps run as local activities; earlier runs scheduled each through the server. */
export const BOOKKEEPING_LOCAL_PATCH = 'risk-bookkeeping-local-activities';

/**
 * The short database steps around the computation (locate the site, record its outcome, list and
 * finish the portfolio). As local activities they run in the workflow task that asks for them:
 * no round trip through the server each, which is most of a small assessment's time. A worker
 * lost meanwhile fails the workflow task, and the next worker runs the step again.
 * Call at the start of the workflow, before its first command.
 */
export function bookkeepingSteps(maximumAttempts: number) {
  const options = { startToCloseTimeout: '30 seconds', retry: { ...RETRYABLE, maximumAttempts } } as const;
  return patched(BOOKKEEPING_LOCAL_PATCH) ? proxyLocalActivities<RiskActivities>(options) : proxyActivities<RiskActivities>(options);
}

function activities(tuning: RiskTuning) {
  const quick = bookkeepingSteps(10);
  const cellGroup = (group: CellGroup) =>
    proxyActivities<RiskActivities>({
      startToCloseTimeout: `${tuning.groupTimeoutSeconds} seconds`,
      // A worker that hangs or dies stops heartbeating; the group is retried elsewhere within this time.
      heartbeatTimeout: `${tuning.heartbeatTimeoutSeconds} seconds`,
      retry: { ...RETRYABLE, maximumAttempts: GROUP_MAX_ATTEMPTS },
      summary: `compute ${describeCellGroup(group)}`,
    }).computeCellGroup;
  return { quick, cellGroup };
}

/**
 * One site: find its grid point, then compute its (scenario, year) cells in groups. A group
 * that still fails after its retries is recorded as failed cells and the site carries on.
 */
export async function siteRiskWorkflow(input: SiteRiskInput): Promise<SiteRiskResult> {
  const { quick, cellGroup } = activities(input.tuning);
  const ref = { assessmentId: input.assessmentId, siteId: input.siteId };
  const expectedCells = input.scenarios.length * (input.yearTo - input.yearFrom + 1);
  setCurrentDetails(`site **${input.siteId}**: locating grid point`);
  try {
    await quick.prepareSite(ref);
    const groups = input.onlyFailed
      ? groupCells(await quick.incompleteCellsOfSite(ref), input.tuning.yearsPerActivity)
      : planCellGroups(input.scenarios, input.yearFrom, input.yearTo, input.tuning.yearsPerActivity);
    let finished = 0;
    await Promise.all(
      groups.map(async (group) => {
        await computeOrRecordFailure(group, input, quick, cellGroup);
        finished += 1;
        setCurrentDetails(`site **${input.siteId}**: ${finished}/${groups.length} cell groups done`);
      }),
    );
    const outcome = await quick.finishSite({ ...ref, expectedCells });
    upsertSearchAttributes([{ key: STATUS_DETAIL, value: outcome.status.toLowerCase() }]);
    setCurrentDetails(`site **${input.siteId}**: ${outcome.status}, ${outcome.completedCells} cells completed, ${outcome.failedCells} failed`);
    return { siteId: input.siteId, ...outcome };
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => quick.finishSite({ ...ref, expectedCells, canceled: true }));
      throw err;
    }
    // The site itself cannot be assessed (e.g. outside the grid): record why and let the portfolio go on.
    const message = failureMessage(err);
    const outcome = await quick.finishSite({ ...ref, expectedCells, error: message });
    return { siteId: input.siteId, ...outcome };
  }
}

async function computeOrRecordFailure(
  group: CellGroup,
  input: SiteRiskInput,
  quick: ReturnType<typeof activities>['quick'],
  cellGroup: ReturnType<typeof activities>['cellGroup'],
): Promise<void> {
  const target = { assessmentId: input.assessmentId, siteId: input.siteId, scenario: group.scenario, years: group.years };
  try {
    await cellGroup(group)({ ...target, windowYears: input.tuning.windowYears });
  } catch (err) {
    if (isCancellation(err)) throw err;
    const attempts = err instanceof ActivityFailure && err.retryState === 'NON_RETRYABLE_FAILURE' ? 1 : GROUP_MAX_ATTEMPTS;
    await quick.markCellsFailed({ ...target, error: failureMessage(err), attempts });
  }
}
