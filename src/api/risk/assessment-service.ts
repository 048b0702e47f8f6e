import type { Pool } from 'pg';
import { withTransaction } from '../../infra/db/pool';
import * as assessments from '../../infra/risk/queries/assessments';
import { findNearestGridPoints } from '../../infra/risk/queries/reference';
import * as results from '../../infra/risk/queries/results';
import type { RiskSettings } from '../../pipelines/risk/settings';
import { riskProgressQuery, type riskAssessmentWorkflow, type RiskAssessmentStatus } from '../../workflows/risk/assessment';
import { BUSINESS_KEY, PIPELINE, SCENARIOS as SCENARIOS_ATTRIBUTE } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from '../shared/deps';
import type { JobService } from '../shared/job-resource';
import { queryLiveState } from '../shared/live-state';
import { ProblemError, type FieldError } from '../shared/problem';
import { startOrGetExisting } from '../shared/start-workflow';
import { describeRun, isActive, type RunState } from '../shared/workflow-status';
import type { AssessmentFields } from './schemas';
import { roundKm } from './units';

/** Sites listed in an assessment's view; the rest are counted in its progress. */
const SITES_IN_VIEW = 1000;

export type AcceptAssessment = Omit<assessments.NewAssessment, 'siteCount'> & { sites: readonly assessments.NewSite[] };

type Assessment = assessments.Assessment;

type ServiceDeps = Pick<ApiDeps, 'pool' | 'temporal'>;

/** Sites far from every grid point would be assessed with another place's climate: refused, naming each. */
async function assertInsideGrid(pool: Pool, settings: RiskSettings, sites: AcceptAssessment['sites']): Promise<void> {
  const nearest = await findNearestGridPoints(pool, sites);
  const limit = settings.assessment.maxGridDistanceKm;
  const errors: FieldError[] = [];
  nearest.forEach((n, i) => {
    if (!n) errors.push({ field: `body.sites[${i}].latitude`, message: 'no reference grid is loaded' });
    else if (n.distanceKm > limit) {
      errors.push({ field: `body.sites[${i}].latitude`, message: `outside the reference grid: nearest grid point is ${n.distanceKm.toFixed(1)} km away (limit ${limit} km)` });
    }
  });
  if (errors.length) throw new ProblemError(400, 'Invalid request', `${errors[0].field}: ${errors[0].message}`, errors);
}

/** Live progress from the workflow while it runs; stored counts otherwise. */
async function progressOf({ pool, temporal }: ServiceDeps, a: Assessment, running: boolean) {
  const cellsPerSite = a.scenarios.length * (a.yearTo - a.yearFrom + 1);
  let live: RiskAssessmentStatus | undefined;
  if (running) live = await queryLiveState(temporal, a.workflowId, riskProgressQuery);
  const sites = await results.siteStatuses(pool, a.id, SITES_IN_VIEW);
  // When every site is listed, their counts are the assessment's: no second pass over its cells.
  const listedAll = sites.length === a.siteCount;
  const sum = (pick: (s: results.SiteStatusRow) => number) => sites.reduce((total, s) => total + pick(s), 0);
  const stored = live ? undefined : listedAll ? { completedCells: sum((s) => s.completedCells), failedCells: sum((s) => s.failedCells) } : await results.cellCounts(pool, a.id);
  return {
    sites,
    progress: {
      totalSites: a.siteCount,
      totalCells: a.siteCount * cellsPerSite,
      sitesDone: live ? live.sitesDone : sites.filter((s) => !['PENDING', 'RUNNING'].includes(s.status)).length,
      sitesFailed: live ? live.sitesFailed : sites.filter((s) => s.status === 'FAILED').length,
      completedCells: live?.completedCells ?? stored!.completedCells,
      failedCells: live?.failedCells ?? stored!.failedCells,
    },
  };
}

export type AssessmentService = ReturnType<typeof createAssessmentService>;

/** What the API does with site assessments; every write a request makes is one call here, in one transaction. */
export function createAssessmentService(deps: ServiceDeps, settings: RiskSettings) {
  const { pool, temporal } = deps;
  const find = (id: string) => assessments.findAssessment(pool, id);

  const service = {
    find,

    /** The assessment and its sites, in one transaction: a failure on any site leaves no assessment behind. */
    async accept(input: AcceptAssessment): Promise<Assessment> {
      await assertInsideGrid(pool, settings, input.sites);
      const { sites, ...assessment } = input;
      await withTransaction(pool, async (tx) => {
        // A concurrent request with the same id stored it first: its sites are the assessment's.
        if (await assessments.insertAssessment(tx, { ...assessment, siteCount: sites.length })) await assessments.insertSites(tx, input.id, sites);
      });
      const stored = await find(input.id);
      if (!stored) throw new Error(`risk assessment ${input.id} vanished right after it was stored`);
      return stored;
    },

    /** Starts the assessment's current run: the first (every cell) or its latest retry (failed cells only). */
    async start(a: Assessment): Promise<boolean> {
      const mode = a.workflowId === a.id ? 'all' : 'failed-only';
      const { created } = await startOrGetExisting<typeof riskAssessmentWorkflow>(temporal, 'riskAssessmentWorkflow', {
        workflowId: a.workflowId,
        taskQueue: settings.queue.taskQueue,
        args: [{ assessmentId: a.id, siteCount: a.siteCount, scenarios: a.scenarios, yearFrom: a.yearFrom, yearTo: a.yearTo, mode, tuning: settings.assessment }],
        typedSearchAttributes: [
          { key: PIPELINE, value: 'risk' },
          { key: BUSINESS_KEY, value: a.id },
          { key: SCENARIOS_ATTRIBUTE, value: a.scenarios },
        ],
        staticSummary: `${mode === 'all' ? 'risk assessment' : 'retry of failed cells'}: ${a.siteCount} site(s) × ${a.scenarios.length} scenario(s) × ${a.yearTo - a.yearFrom + 1} year(s)`,
      });
      return created;
    },

    async viewFields(a: Assessment, run: RunState): Promise<AssessmentFields> {
      const { sites, progress } = await progressOf(deps, a, run.status === 'RUNNING');
      return {
        scenarios: a.scenarios,
        years: { from: a.yearFrom, to: a.yearTo },
        progress,
        sites: sites.map((s) => ({ ...s, gridDistanceKm: s.gridDistanceKm === null ? null : roundKm(s.gridDistanceKm) })),
        sitesTruncated: a.siteCount > sites.length,
        startedAt: a.createdAt.toISOString(),
        finishedAt: run.closedAt?.toISOString() ?? null,
        error: a.error,
      };
    },

    /**
     * Points the assessment at a new run over its failed (or never finished) cells, in one
     * transaction, then starts that run. 409 while a run is going, when nothing failed, or when a
     * concurrent request started the retry first.
     */
    async retryFailed(a: Assessment): Promise<Assessment> {
      if (isActive((await describeRun(temporal, a.workflowId)).status)) throw new ProblemError(409, 'Conflict', `Risk assessment ${a.id} is still running`);
      const { failedCells } = await results.cellCounts(pool, a.id);
      const incomplete = (await results.siteStatuses(pool, a.id, a.siteCount)).some((s) => s.status !== 'COMPLETED');
      if (failedCells === 0 && !incomplete) throw new ProblemError(409, 'Conflict', `Risk assessment ${a.id} has no failed cells`);
      const retry = await withTransaction(pool, (tx) => assessments.startRetryRun(tx, a.id, a.workflowId));
      if (!retry) throw new ProblemError(409, 'Conflict', `A retry of risk assessment ${a.id} was started by another request`);
      await service.start(retry);
      return retry;
    },
  };
  return service satisfies JobService<AcceptAssessment, Assessment, AssessmentFields>;
}
