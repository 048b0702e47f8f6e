import type { RegionScoreMap, RegionScoreRow } from '../../../domain/risk/regions/scores';
import { assembleRegionScores } from '../../../domain/risk/regions/scores';
import type { Hazard, Scenario } from '../../../domain/risk/types';
import type { Queryable } from '../../db/queryable';
import { EARTH_RADIUS_KM, RERANK_RADIUS_FACTOR } from './reference';

/**
 * KNN candidates fetched per region. The great-circle winner lies within 1.15 × the first
 * candidate's equirectangular distance (see RERANK_RADIUS_FACTOR); when the last of these is
 * farther than that, every point that could win is among them and no second probe is needed.
 * Three cover all but centroids near the middle of a lattice cell, where three or four corners
 * are nearly equidistant: about 2 % of random positions on a regular lattice (1 % with four
 * candidates, 17 % with two), none of the synthetic regions. Those take the exact circle probe
 * of findNearestGridPoints instead, ~19 µs, while every further candidate costs every region
 * ~1.3 µs (a heap fetch, a haversine), so three is the cheapest on average.
 */
const KNN_CANDIDATES = 3;

const haversineKm = (g: string, r: string) => `2 * ${EARTH_RADIUS_KM} * asin(sqrt(
             sin(radians(${g}.latitude - ${r}.latitude) / 2) ^ 2
             + cos(radians(${r}.latitude)) * cos(radians(${g}.latitude)) * sin(radians(${g}.longitude - ${r}.longitude) / 2) ^ 2))`;

/** The re-rank circle of findNearestGridPoints around a region, given the first KNN distance. */
const rerankRadius = (d1: string) => `${d1} * ${RERANK_RADIUS_FACTOR} + 1e-6`;

/**
 * The region score map in one statement. Per region: the great-circle nearest grid point by the
 * rule of findNearestGridPoints (risk-reference.ts): a KNN probe of the grid's GiST index, then
 * an exact haversine re-rank of every point within 1.15 × the nearest equirectangular distance,
 * ties to the lowest id. Then every requested year of that point's stored score, aggregated per
 * region, so a region can never come back with only one of its years and a missing year shows
 * as a hole rather than a dropped row.
 *
 * Written for per-region cost (bench:risk-scale, region query). The KNN probes are about half of
 * the server's time and cannot be made cheaper here: each computes the distance to every entry
 * of the index pages it visits (~160).
 * - The winner among the KNN candidates comes out of one plain aggregate per region, no window,
 *   filter or sort: `min(ARRAY[km, id, d])` is the lowest (km, id) among all candidates. When
 *   that point lies inside the re-rank circle and the candidates cover the whole circle, it is
 *   also the lowest among the points inside, i.e. exactly findNearestGridPoints' answer (a
 *   candidate outside the circle cannot be nearer by great circle, which is RERANK_RADIUS_FACTOR's
 *   argument; should that ever fail, outside about 24–45°N, the circle probe decides instead, so
 *   the answer stays the same). Ids travel as float8 in the array, exact below 2^53 like every
 *   id the application handles as a JS number.
 * - Otherwise the circle probe runs as a subquery inside the CASE, so it is evaluated only for
 *   the regions that need it, and costs the others nothing. It sorts its few points instead of
 *   taking min(): for a min() over a table the planner also plans an index-scan variant, which
 *   made planning this statement (and so each single-region query) 0.04 ms slower.
 * - The scores are looked up inside the region's lateral subquery, kept apart by OFFSET 0: joined
 *   at the top level the planner puts a Memoize node in front of the lookup, whose cache cannot
 *   hit (regions seldom share a nearest point) and which costs ~1 µs per region.
 * - hazard_results_by_point (migration 008) holds each point's years of one (scenario, hazard)
 *   together, so a region's scores are one index-only range read, filtered by year.
 * - A region's years and scores come back as one bytea of (year, H) cells in PostgreSQL's binary
 *   send format (see decodeCells). As float8[] text they were a third of the statement's wall
 *   time: printing 4,000 doubles on the server and node-pg's array parser reading them back (as
 *   json, JSON.parse still spends ~300 ns per double). The bytes are the exact IEEE values, and
 *   each score carries its own year, so no order has to be kept between two aggregates.
 */
function regionScoresSql(oneRegion: boolean): string {
  const d1 = 'min(k.d)';
  return `
  SELECT r.code, x.best[2]::bigint AS grid_id, x.best[1] AS distance_km, x.cells
  FROM risk_regions r
  LEFT JOIN LATERAL (
    SELECT n.best, s.cells
    FROM (
      SELECT CASE
               WHEN count(*) = 0 THEN NULL
               WHEN (count(*) < ${KNN_CANDIDATES} OR max(k.d) > ${rerankRadius(d1)})
                    AND (min(ARRAY[k.distance_km, k.id, k.d]))[3] <= ${rerankRadius(d1)}
                 THEN min(ARRAY[k.distance_km, k.id, k.d])
               ELSE (
                 SELECT ARRAY[${haversineKm('g', 'r')}, g.id] AS best
                 FROM risk_grid_points g
                 WHERE g.location <@ circle(r.location, ${rerankRadius(d1)})
                 ORDER BY best
                 LIMIT 1)
             END AS best
      FROM (
        SELECT g.id, g.location <-> r.location AS d, ${haversineKm('g', 'r')} AS distance_km
        FROM risk_grid_points g
        ORDER BY g.location <-> r.location
        LIMIT ${KNN_CANDIDATES}
      ) k
    ) n
    LEFT JOIN LATERAL (
      SELECT string_agg(int2send(h.year) || float8send(h.h), ''::bytea) AS cells
      FROM hazard_results h
      WHERE h.grid_id = n.best[2]::bigint AND h.scenario = $1 AND h.hazard = $2 AND h.year = ANY ($3::smallint[])
    ) s ON true
    OFFSET 0
  ) x ON true
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
  /** Null when the point has none of the years stored (or there is no point). */
  cells: Buffer | null;
}

/** One cell: the year as int2send writes it (2 bytes) and H as float8send does (8), both big-endian. */
const CELL_BYTES = 10;

/** The (year, H) cells of one region, in the order stored; the caller matches them by year. */
function decodeCells(cells: Buffer | null): { years: number[]; scores: number[] } {
  const years: number[] = [];
  const scores: number[] = [];
  for (let at = 0; cells && at < cells.length; at += CELL_BYTES) {
    years.push(cells.readInt16BE(at));
    scores.push(cells.readDoubleBE(at + 2));
  }
  return { years, scores };
}

function toRow(r: Row): RegionScoreRow {
  return {
    code: r.code,
    gridId: r.grid_id === null ? null : Number(r.grid_id),
    distanceKm: r.distance_km,
    ...decodeCells(r.cells),
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
