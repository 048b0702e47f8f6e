import { z } from 'zod';
import { describeRegionGap, type RegionScoreMap } from '../../domain/risk/regions/scores';
import { DEFAULT_REGION_YEARS, MAX_REGION_YEARS } from '../../domain/risk/regions/types';
import { FIRST_YEAR, HAZARDS, LAST_YEAR, SCENARIOS } from '../../domain/risk/types';
import type { ApiDeps } from '../shared/deps';
import { ProblemError, type FieldError } from '../shared/problem';
import { defineRoute, type RouteSpec } from '../shared/route';
import type { RiskSettings } from '../../pipelines/risk/settings';
import { createRegionService, retryAfterSeconds } from './region-service';
import type { RunningBatch } from './grid-batch-service';
import { counted, degreesField, PRECISION, roundScore, scoreField, yearField } from './units';

/** Gaps listed in a 409 by name; the detail line gives the totals. */
const GAP_EXAMPLES = 10;

/** `2025,2030,2035`: whole years of the model, each once. */
const YearList = z
  .string()
  .transform((raw, ctx) => {
    const parts = raw.split(',').map((p) => p.trim());
    const years: number[] = [];
    for (const part of parts) {
      const year = /^\d{4}$/.test(part) ? Number(part) : Number.NaN;
      if (!(year >= FIRST_YEAR && year <= LAST_YEAR)) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(part)} is not a year within ${FIRST_YEAR}–${LAST_YEAR}` });
        return z.NEVER;
      }
      if (years.includes(year)) {
        ctx.addIssue({ code: 'custom', message: `${year} is listed twice` });
        return z.NEVER;
      }
      years.push(year);
    }
    if (years.length > MAX_REGION_YEARS) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_REGION_YEARS} years, got ${years.length}` });
      return z.NEVER;
    }
    return years.sort((a, b) => a - b);
  })
  .optional()
  .transform((years) => years ?? [...DEFAULT_REGION_YEARS])
  .meta({ description: `Comma-separated years ${FIRST_YEAR}–${LAST_YEAR}, each once; default ${DEFAULT_REGION_YEARS.join(',')}` });

export const RegionScoresQuery = z.object({
  hazard: z.enum(HAZARDS),
  scenario: z.enum(SCENARIOS),
  years: YearList,
});

export const RegionScoresView = z.object({
  hazard: z.enum(HAZARDS),
  scenario: z.enum(SCENARIOS),
  years: z.array(yearField('A year asked for')),
  regionScores: z
    .record(z.string(), z.record(z.string(), scoreField('Hazard score H of the region’s nearest grid point', 49.92)))
    .describe(`Region code → year → hazard score H: score 0–100, ${PRECISION.score} decimals`),
});

export const RegionList = z.object({
  total: counted('Regions loaded', 250),
  items: z.array(
    z.object({ code: z.string(), name: z.string(), latitude: degreesField('Centroid latitude', 37.5735), longitude: degreesField('Centroid longitude', 126.979), source: z.string() }),
  ),
});

/** 503 while the grid batch that fills the missing scores runs: RFC 7807 problem details plus its progress. */
export const RegionScoresPending = z.object({
  type: z.string(),
  title: z.string(),
  status: z.literal(503).meta({ description: 'HTTP status', examples: [503] }),
  detail: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  retryAfterSeconds: counted('When to ask again: seconds (also the Retry-After header)', 30),
  batch: z.object({
    id: z.string(),
    pointsTotal: counted('Grid points the batch computes', 4000),
    pointsDone: counted('Grid points done so far', 1200),
    startedAt: z.string().nullable().describe('ISO 8601 time; null until the batch has recorded itself'),
    links: z.object({ self: z.string().describe('GET it for progress: /api/risk-batches/<id>') }),
  }),
});

/** Anything short of every region × year is refused: a partial map reads as "no risk" where data is missing. */
function incomplete(result: RegionScoreMap, scope: { hazard: string; scenario: string; years: number[]; maxDistanceKm: number }): ProblemError {
  if (result.regions === 0) {
    return new ProblemError(409, 'No regions', 'No regions are loaded; see docs/reference-data.md ("Regions") to load them');
  }
  const outside = result.gaps.filter((g) => g.reason !== 'no_result').length;
  const unscored = result.gaps.length - outside;
  const errors: FieldError[] = result.gaps.slice(0, GAP_EXAMPLES).map((gap) => ({
    field: `regionScores.${gap.code}`,
    message: describeRegionGap(gap, scope),
  }));
  const detail =
    `${result.missingCells} of ${result.regions * scope.years.length} region × year scores are missing ` +
    `(${scope.hazard}, ${scope.scenario}): ${outside} region(s) without a grid point within ${scope.maxDistanceKm} km, ` +
    `${unscored} region(s) whose grid point has no stored score for some years (the grid batch has not covered them yet)` +
    (result.gaps.length > GAP_EXAMPLES ? `; the first ${GAP_EXAMPLES} are listed` : '') +
    (unscored > 0 ? '. No scheduled grid batch is running: POST /api/risk-batches runs one now' : '');
  return new ProblemError(409, 'Region scores incomplete', detail, errors);
}

/** The batch filling the gaps is running: ask again later, with how far it got. */
function pending(batch: RunningBatch): ProblemError {
  const retryAfter = retryAfterSeconds(batch);
  const detail =
    `The hazard grid batch ${batch.id} is computing the scores (${batch.pointsDone} of ${batch.pointsTotal} grid points); ` +
    `ask again in about ${retryAfter} s`;
  const body: Omit<z.output<typeof RegionScoresPending>, 'type' | 'title' | 'status' | 'detail'> = {
    retryAfterSeconds: retryAfter,
    batch: { ...batch, startedAt: batch.startedAt?.toISOString() ?? null, links: { self: `/api/risk-batches/${batch.id}` } },
  };
  return new ProblemError(503, 'Region scores are being computed', detail, undefined, { 'Retry-After': String(retryAfter) }, body);
}

const presentScores = (scores: Record<string, Record<string, number>>) =>
  Object.fromEntries(Object.entries(scores).map(([code, years]) => [code, Object.fromEntries(Object.entries(years).map(([year, h]) => [year, roundScore(h)]))]));

export function regionRoutes(deps: ApiDeps, settings: RiskSettings): RouteSpec[] {
  const service = createRegionService(deps, settings);
  return [
    defineRoute({
      method: 'get',
      path: '/api/regions',
      summary: 'Administrative regions (code, name, centroid, source label)',
      tag: 'risk',
      responses: { 200: { description: 'Every region, by code', schema: RegionList } },
      async handler({ res }) {
        const items = await service.list();
        res.json({ total: items.length, items });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/regions/scores',
      summary: "Every region's hazard score H per year: the stored score of the grid point nearest its centroid",
      tag: 'risk',
      query: RegionScoresQuery,
      responses: {
        200: { description: `A score for every region × year, rounded to ${PRECISION.score} decimals`, schema: RegionScoresView },
        409: { description: 'Some region × year has no score (outside the grid, or no grid batch has covered it and none is running); nothing partial is returned' },
        503: { description: 'Scores are missing and the grid batch that computes them is running (on a first start it runs by itself): Retry-After and its progress', schema: RegionScoresPending },
      },
      async handler({ query, res }) {
        const result = await service.scores(query);
        if (result.regions > 0 && result.gaps.some((gap) => gap.reason === 'no_result')) {
          const batch = await service.runningBatch();
          if (batch) throw pending(batch);
        }
        if (result.regions === 0 || result.gaps.length > 0) throw incomplete(result, { ...query, maxDistanceKm: result.maxDistanceKm });
        const view: z.output<typeof RegionScoresView> = { hazard: query.hazard, scenario: query.scenario, years: query.years, regionScores: presentScores(result.regionScores) };
        res.json(view);
      },
    }),
  ];
}
