import type { RegionScoreMap, RegionScoreRow } from '../../../domain/regions/scores';
import { assembleRegionScores } from '../../../domain/regions/scores';
import type { Hazard, Scenario } from '../../../domain/risk/types';
import type { Queryable } from '../queryable';
import { EARTH_RADIUS_KM, RERANK_RADIUS_FACTOR } from './risk-reference';

/**
 * KNN candidates fetched per region. The great-circle winner lies within 1.15 × the first
 * candidate's equirectangular distance (see RERANK_RADIUS_FACTOR); when the last of these is
 * farther than that, every point that could win is among them and no second probe is needed.
 * Four covers all but centroids near the middle of a lattice cell, whose four corners are nearly
 * equidistant; those take the exact circle probe of findNearestGridPoints instead.
 */
const KNN_CANDIDATES = 4;

const haversineKm = (g: string, r: string) => `2 * ${EARTH_RADIUS_KM} * asin(sqrt(
             sin(radians(${g}.latitude - ${r}.latitude) / 2) ^ 2
             + cos(radians(${r}.latitude)) * cos(radians(${g}.latitude)) * sin(radians(${g}.longitude - ${r}.longitude) / 2) ^ 2))`;

/**
 * The region score map in one statement. Per region: the great-circle nearest grid point by the
 * rule of findNearestGridPoints (risk-reference.ts): a KNN probe of the grid's GiST index, then
 * an exact haversine re-rank of every point within 1.15 × the nearest equirectangular distance,
 * ties to the lowest id. The re-rank normally runs on the KNN candidates themselves; only when
 * they cannot prove they hold every contender does the circle probe run (its one-time filter
 * skips it otherwise). Then every requested year of that point's stored score, aggregated per
 * region, so a region can never come back with only one of its years and a missing year shows
 * as a hole rather than a dropped row.
 */
function regionScoresSql(oneRegion: boolean): string {
  const within = `* ${RERANK_RADIUS_FACTOR} + 1e-6`;
  return `
  SELECT r.code, coalesce(wide.id, knn.id) AS grid_id, coalesce(wide.distance_km, knn.distance_km) AS distance_km, s.years, s.scores
  FROM risk_regions r
  LEFT JOIN LATERAL (
    SELECT c.id, c.distance_km, c.d1, c.n < ${KNN_CANDIDATES} OR c.dk > c.d1 ${within} AS complete
    FROM (
      SELECT k.id, k.d, ${haversineKm('k', 'r')} AS distance_km,
             min(k.d) OVER () AS d1, max(k.d) OVER () AS dk, count(*) OVER () AS n
      FROM (
        SELECT g.id, g.latitude, g.longitude, g.location <-> r.location AS d
        FROM risk_grid_points g
        ORDER BY g.location <-> r.location
        LIMIT ${KNN_CANDIDATES}
      ) k
    ) c
    WHERE c.d <= c.d1 ${within}
    ORDER BY c.distance_km, c.id
    LIMIT 1
  ) knn ON true
  LEFT JOIN LATERAL (
    SELECT g.id, ${haversineKm('g', 'r')} AS distance_km
    FROM risk_grid_points g
    WHERE NOT knn.complete AND g.location <@ circle(r.location, knn.d1 ${within})
    ORDER BY distance_km, g.id
    LIMIT 1
  ) wide ON true
  -- No ORDER BY in the aggregates (it costs two sorts per region): both consume the same rows in
  -- the same order, so years[i] pairs with scores[i], which is all the caller relies on.
  LEFT JOIN LATERAL (
    SELECT array_agg(h.year) AS years, array_agg(h.h) AS scores
    FROM hazard_results h
    WHERE h.grid_id = coalesce(wide.id, knn.id) AND h.scenario = $1 AND h.hazard = $2 AND h.year = ANY ($3::smallint[])
  ) s ON true
  ${oneRegion ? 'WHERE r.code = $4' : ''}
  ORDER BY r.code`;
}

/** Exported for the EXPLAIN test and the benchmark. $1 scenario, $2 hazard, $3 years (smallint[]). */
export const REGION_SCORES_SQL = regionScoresSql(false);
/** The same lookup for one region ($4 its code): the per-region query the one statement replaces. */
export const REGION_SCORE_SINGLE_SQL = regionScoresSql(true);

export interface RegionScoreQuery {
  hazard: Hazard;
  scenario: Scenario;
  /** Distinct years, 2021–2100. */
  years: readonly number[];
  /** Regions whose nearest grid point is farther are reported as gaps (RISK_MAX_GRID_DISTANCE_KM). */
  maxDistanceKm: number;
}

interface Row {
  code: string;
  grid_id: string | null;
  distance_km: number | null;
  years: number[] | null;
  scores: number[] | null;
}

function toRow(r: Row): RegionScoreRow {
  return {
    code: r.code,
    gridId: r.grid_id === null ? null : Number(r.grid_id),
    distanceKm: r.distance_km,
    years: r.years ?? [],
    scores: r.scores ?? [],
  };
}

function distinctYears(q: RegionScoreQuery): number[] {
  const years = [...new Set(q.years)].sort((a, b) => a - b);
  if (years.length === 0) throw new RangeError('at least one year is required');
  return years;
}

/** Every region's score for each year, in one statement; `gaps` lists whatever is missing. */
export async function regionScores(db: Queryable, q: RegionScoreQuery): Promise<RegionScoreMap> {
  const years = distinctYears(q);
  const { rows } = await db.query<Row>(REGION_SCORES_SQL, [q.scenario, q.hazard, years]);
  return assembleRegionScores(rows.map(toRow), years, q.maxDistanceKm);
}

/** One region's scores (an empty map when the code is unknown); the baseline the one statement is checked against. */
export async function regionScoreSingle(db: Queryable, code: string, q: RegionScoreQuery): Promise<RegionScoreMap> {
  const years = distinctYears(q);
  const { rows } = await db.query<Row>(REGION_SCORE_SINGLE_SQL, [q.scenario, q.hazard, years, code]);
  return assembleRegionScores(rows.map(toRow), years, q.maxDistanceKm);
}
