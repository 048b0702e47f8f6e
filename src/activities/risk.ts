import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { computeCell, DEFAULT_CELL_OPTIONS, MODEL_VERSION } from '../domain/risk/cell';
import { InvalidRiskInputError } from '../domain/risk/errors';
import type { GridStatic, Scenario, SiteInputs, YearIndicators } from '../domain/risk/types';
import { withTransaction } from '../infra/db/pool';
import * as assessments from '../infra/db/queries/risk-assessments';
import { findNearestGridPoints, loadSiteInputs } from '../infra/db/queries/risk-reference';
import { LruCache } from '../infra/cache/lru';
import type { Logger } from '../infra/logger';
import { classified, NON_RETRYABLE } from './failures';

export interface SiteRef {
  assessmentId: string;
  siteId: string;
}

export interface CellGroupInput extends SiteRef {
  scenario: Scenario;
  years: number[];
  windowYears: number;
}

export interface CellGroupOutcome {
  completed: number;
  failed: number;
}

type ReferenceSeries = { grid: GridStatic; series: Record<Scenario, YearIndicators[]> };

/**
 * Side effects of site assessments. Inputs are read from PostgreSQL inside the activities
 * (workflows only pass ids), and each worker keeps recently used grid series in memory.
 */
export function createRiskActivities(deps: { pool: Pool; logger: Logger; maxGridDistanceKm: number }) {
  const { pool } = deps;
  const referenceCache = new LruCache<number, ReferenceSeries>(256);
  const reference = (gridId: number) => referenceCache.getOrLoad(gridId, () => loadSiteInputs(pool, gridId));

  async function siteInputs(ref: SiteRef): Promise<SiteInputs> {
    const site = await assessments.findSite(pool, ref.assessmentId, ref.siteId);
    if (!site) throw ApplicationFailure.nonRetryable(`site ${ref.siteId} of ${ref.assessmentId} does not exist`, NON_RETRYABLE.badData);
    if (site.gridId === null) throw ApplicationFailure.nonRetryable(`site ${ref.siteId} has no grid point yet`, NON_RETRYABLE.badData);
    return { site: site.profile, ...(await reference(site.gridId)) };
  }

  return {
    /** Resolves the site's grid point (one nearest-grid rule, with a distance limit) and checks its series load. */
    prepareSite: classified(async (ref: SiteRef): Promise<{ gridId: number; distanceKm: number }> => {
      const site = await assessments.findSite(pool, ref.assessmentId, ref.siteId);
      if (!site) throw ApplicationFailure.nonRetryable(`site ${ref.siteId} of ${ref.assessmentId} does not exist`, NON_RETRYABLE.badData);
      const [nearest] = await findNearestGridPoints(pool, [site.profile]);
      if (!nearest || nearest.distanceKm > deps.maxGridDistanceKm) {
        const where = nearest ? `${nearest.distanceKm.toFixed(1)} km` : 'no grid loaded';
        throw ApplicationFailure.nonRetryable(
          `site ${ref.siteId} is outside the reference grid (nearest point: ${where}, limit ${deps.maxGridDistanceKm} km)`,
          NON_RETRYABLE.outsideCoverage,
        );
      }
      await reference(nearest.gridId);
      await assessments.setSiteGrid(pool, ref.assessmentId, ref.siteId, nearest.gridId, nearest.distanceKm);
      return nearest;
    }),

    /**
     * Computes one group of cells and stores each cell (nine hazard rows + its status) in its own
     * transaction, heartbeating after every committed cell. A retry resumes after the last
     * heartbeat and skips cells already committed, so nothing is computed into a duplicate.
     */
    computeCellGroup: classified(async (input: CellGroupInput): Promise<CellGroupOutcome> => {
      const ctx = Context.current();
      const resumeAt = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
      const done = await assessments.completedYears(pool, input.assessmentId, input.siteId, input.scenario, input.years);
      const todo = input.years.filter((year, i) => i >= resumeAt && !done.has(year));
      const inputs = await siteInputs(input);
      const options = { ...DEFAULT_CELL_OPTIONS, windowYears: input.windowYears };
      let failed = 0;
      for (const year of todo) {
        try {
          const results = computeCell(inputs, input.scenario, year, options);
          await withTransaction(pool, (tx) => assessments.upsertCellResults(tx, { ...input, year }, results, MODEL_VERSION, ctx.info.attempt));
        } catch (err) {
          // Bad data in one year cannot heal on retry: record that cell and carry on with the rest.
          if (!(err instanceof InvalidRiskInputError)) throw err;
          await assessments.markCellsFailed(pool, { ...input, years: [year] }, err.message, ctx.info.attempt);
          failed += 1;
        }
        ctx.heartbeat(input.years.indexOf(year) + 1);
      }
      return { completed: input.years.length - failed, failed };
    }),

    markCellsFailed: classified(async (input: SiteRef & { scenario: Scenario; years: number[]; error: string; attempts: number }) => {
      await assessments.markCellsFailed(pool, input, input.error, input.attempts);
    }),

    incompleteCellsOfSite: classified(async (ref: SiteRef) => assessments.incompleteCellsOfSite(pool, ref.assessmentId, ref.siteId)),

    finishSite: classified(async (input: SiteRef & { expectedCells: number; canceled?: boolean; error?: string }) =>
      assessments.finishSite(pool, input.assessmentId, input.siteId, input.expectedCells, input),
    ),

    listSitePage: classified(async (input: { assessmentId: string; afterOrdinal: number; limit: number; onlyWithFailures: boolean }) =>
      assessments.listSitePage(pool, input.assessmentId, input.afterOrdinal, input.limit, input.onlyWithFailures),
    ),

    finishAssessment: classified(async (input: { assessmentId: string; status: string; error?: string }) => {
      await assessments.finishAssessment(pool, input.assessmentId, input.status, input.error);
    }),
  };
}

export type RiskActivities = ReturnType<typeof createRiskActivities>;
