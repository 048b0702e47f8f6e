// Region query benchmark (part of `npm run bench:risk-scale`): the one-statement region score
// map against 250 separate per-region queries, measured in the same run on the same data, over
// a scratch database holding the 0.05° synthetic grid (4,177 points) and H for every point of one
// (scenario, hazard) and 16 years. Alone: node --import tsx devtools/local-stack/test.ts --script bench/risk-scale-regions.ts
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { DEFAULT_REGION_YEARS } from '../src/domain/risk/regions/types';
import { hazardScore } from '../src/domain/risk/hazard-scores';
import type { GridPoint } from '../src/domain/risk/synthetic';
import { generateGridPoints, generateYearlyIndicators, SYNTHETIC_SOURCE } from '../src/domain/risk/synthetic';
import { FIRST_YEAR, type Hazard, type Scenario } from '../src/domain/risk/types';
import { migrate } from '../src/infra/db/migrate';
import { regionScores, regionScoreSingle, type RegionScoreQuery } from '../src/infra/risk/queries/region-scores';
import { analyzeReferenceTables, upsertGridPoints } from '../src/infra/risk/queries/reference';
import { listRegions } from '../src/infra/risk/queries/regions';
import { ensureRegions } from '../src/infra/risk/reference-data/regions';
import { fillHazardResults } from '../test/support/regions';
import { median } from './median';

export const REGION_BENCH_TARGETS = Object.freeze({ minRatio: 20, maxMs: 100, resolutionDeg: 0.05 });

export interface RegionBenchTiming {
  oneStatementMs: number;
  singleQueriesMs: number;
  ratio: number;
}

export interface RegionBenchResult {
  resolutionDeg: number;
  gridPoints: number;
  regions: number;
  years: number;
  /** The grid's GiST index as the loaders leave it (built row by row while the points are inserted). */
  asLoaded: RegionBenchTiming;
  /** After REINDEX, i.e. PostgreSQL's sorted bulk build of the same index. */
  sortedIndex: RegionBenchTiming;
  /** With an SP-GiST (quad-tree) index added next to it, which the planner then takes for the KNN probe. */
  withQuadTree: RegionBenchTiming;
  ratioMet: boolean;
  withinMs: boolean;
}

export interface RegionBenchOptions {
  /** The run's database; only its server is used, for a scratch database of the bench's own (default: DATABASE_URL). */
  pool?: Pool;
  resolutionDeg?: number;
  /** Timed rounds after one warm-up round; medians are reported. */
  repetitions?: number;
  log?: (line: string) => void;
}

const SCENARIO: Scenario = 'SSP245';
const HAZARD: Hazard = 'river_flood';
const SEED = 42;

/** A database of the bench's own on the run's server, so nothing it loads touches the run's data. */
async function scratchDatabase(serverUrl: string | undefined): Promise<{ url: string; drop(): Promise<void> }> {
  if (!serverUrl) throw new Error('DATABASE_URL is not set; run through devtools/local-stack/test.ts --script');
  const name = `dp_bench_regions_${Date.now()}_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}


/** H ×100 of every point for the bench's (scenario, hazard) and years, from the synthetic indicators. */
function scoresOf(points: GridPoint[], resolutionDeg: number): Map<number, number[]> {
  const scores = new Map<number, number[]>();
  for (const p of points) {
    const series = generateYearlyIndicators(p, SCENARIO, { resolutionDeg, seed: SEED });
    scores.set(p.id, DEFAULT_REGION_YEARS.map((y) => 100 * hazardScore(HAZARD, series[y - FIRST_YEAR], p)));
  }
  return scores;
}

async function loadScratch(pool: Pool, resolutionDeg: number, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  await migrate(pool);
  const points = generateGridPoints({ resolutionDeg, seed: SEED });
  for (let i = 0; i < points.length; i += 5_000) await upsertGridPoints(pool, points.slice(i, i + 5_000), SYNTHETIC_SOURCE);
  await analyzeReferenceTables(pool);
  await ensureRegions(pool, () => undefined);
  const scores = scoresOf(points, resolutionDeg);
  const yearIndex = new Map(DEFAULT_REGION_YEARS.map((y, i) => [y, i]));
  await fillHazardResults(pool, {
    gridIds: scores.keys(),
    scenario: SCENARIO,
    hazard: HAZARD,
    years: DEFAULT_REGION_YEARS,
    score: (gridId, year) => scores.get(gridId)![yearIndex.get(year)!],
  });
  // What autovacuum does soon after a grid batch: statistics and the visibility map for index-only scans.
  for (const table of ['risk_grid_points', 'risk_regions', 'hazard_results']) await pool.query(`VACUUM ANALYZE ${table}`);
  log(`  scratch database: ${points.length} grid points, ${points.length * DEFAULT_REGION_YEARS.length} H rows, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return points.length;
}

/** Alternates the two ways round by round, so both see the same machine load. */
async function measure(pool: Pool, codes: string[], query: RegionScoreQuery, repetitions: number): Promise<RegionBenchTiming> {
  const one: number[] = [];
  const singles: number[] = [];
  for (let round = 0; round <= repetitions; round++) {
    let started = performance.now();
    const map = await regionScores(pool, query);
    const oneMs = performance.now() - started;
    started = performance.now();
    const merged: Record<string, Record<string, number>> = {};
    for (const code of codes) Object.assign(merged, (await regionScoreSingle(pool, code, query)).regionScores);
    const singlesMs = performance.now() - started;
    if (map.gaps.length > 0 || map.missingCells > 0) throw new Error(`the region map is incomplete: ${JSON.stringify(map.gaps.slice(0, 3))}`);
    if (!isDeepStrictEqual(map.regionScores, merged)) throw new Error('the one statement and the single queries disagree');
    if (round === 0) continue; // warm-up: plans, caches, JIT of the client
    one.push(oneMs);
    singles.push(singlesMs);
  }
  const oneStatementMs = median(one);
  const singleQueriesMs = median(singles);
  return { oneStatementMs, singleQueriesMs, ratio: singleQueriesMs / oneStatementMs };
}

export async function benchRegionQuery(opts: RegionBenchOptions = {}): Promise<RegionBenchResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const resolutionDeg = opts.resolutionDeg ?? REGION_BENCH_TARGETS.resolutionDeg;
  const repetitions = opts.repetitions ?? 5;
  const scratch = await scratchDatabase(opts.pool?.options.connectionString ?? process.env.DATABASE_URL);
  // One connection: the single queries run one after another, as a client looping over regions would.
  const pool = new Pool({ connectionString: scratch.url, max: 1 });
  try {
    log(`\nbench:risk-scale — region query (${resolutionDeg}°, ${SCENARIO}, ${HAZARD}, ${DEFAULT_REGION_YEARS.length} years)`);
    const gridPoints = await loadScratch(pool, resolutionDeg, log);
    const codes = (await listRegions(pool)).map((r) => r.code);
    const query: RegionScoreQuery = { hazard: HAZARD, scenario: SCENARIO, years: DEFAULT_REGION_YEARS, maxDistanceKm: 20 };
    const asLoaded = await measure(pool, codes, query, repetitions);
    await pool.query('REINDEX INDEX risk_grid_points_location');
    const sortedIndex = await measure(pool, codes, query, repetitions);
    // Not in the migrations (the grid's indexes are another module's call): measured so the choice has numbers.
    await pool.query('CREATE INDEX bench_grid_quad ON risk_grid_points USING spgist (location)');
    await pool.query('ANALYZE risk_grid_points');
    const withQuadTree = await measure(pool, codes, query, repetitions);
    const result: RegionBenchResult = {
      resolutionDeg,
      gridPoints,
      regions: codes.length,
      years: DEFAULT_REGION_YEARS.length,
      asLoaded,
      sortedIndex,
      withQuadTree,
      ratioMet: asLoaded.ratio >= REGION_BENCH_TARGETS.minRatio,
      withinMs: asLoaded.oneStatementMs <= REGION_BENCH_TARGETS.maxMs,
    };
    printResult(result, log);
    return result;
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

function printResult(r: RegionBenchResult, log: (line: string) => void): void {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const line = (what: string, value: string, note = '') => log(`  ${what.padEnd(58)} ${value.padEnd(16)} ${note}`);
  const cells = `${r.regions} regions × ${r.years} years`;
  line(`one statement, ${cells} (median)`, ms(r.asLoaded.oneStatementMs), `target ≤ ${REGION_BENCH_TARGETS.maxMs} ms: ${r.withinMs ? 'met' : 'NOT met'}`);
  line(`${r.regions} single queries, one after another (median)`, ms(r.asLoaded.singleQueriesMs));
  line('ratio singles / one statement', `${r.asLoaded.ratio.toFixed(1)}×`, `target ≥ ${REGION_BENCH_TARGETS.minRatio}×: ${r.ratioMet ? 'met' : 'NOT met'}`);
  const variant = (what: string, t: RegionBenchTiming) =>
    line(what, `${ms(t.oneStatementMs)} / ${ms(t.singleQueriesMs)}`, `${t.ratio.toFixed(1)}×`);
  variant('grid index REINDEXed (sorted build): one / singles', r.sortedIndex);
  variant('plus an SP-GiST index for the KNN probe: one / singles', r.withQuadTree);
}

if (require.main === module) {
  benchRegionQuery().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
