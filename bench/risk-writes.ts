// `node --import tsx devtools/local-stack/test.ts --script bench/risk-writes.ts`: the site result
// write with wide rows (migration 003: one row per hazard, text keys, labels as text) against
// narrow rows (migration 015: one row per cell, integer keys, hazards as parallel arrays), the
// same results, alternating site by site in the same run so both meet the same load. Both take
// the same lock, delete the cells' earlier rows, COPY in binary and upsert the cell statuses in
// one transaction; only the result rows differ. `SITES` (default 60) sets the size; `PASSES`
// (default 2) writes every site again, as a retried activity does, so the delete finds rows.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { PoolClient } from 'pg';
import { createPool, withTransaction } from '../src/infra/db/pool';
import { loadConfig } from '../src/config';
import { computeScenarioCells, DEFAULT_CELL_OPTIONS, MODEL_VERSION, type SiteCellResult } from '../src/domain/risk/cell';
import type { HazardResult, Scenario } from '../src/domain/risk/types';
import { SCENARIOS } from '../src/domain/risk/types';
import { BinaryCopyRows, copyBinaryInto } from '../src/infra/db/copy-binary';
import * as assessments from '../src/infra/risk/queries/assessments';
import { findNearestGridPoints, loadSiteInputs } from '../src/infra/risk/queries/reference';
import { site } from '../test/support/risk';

const SITES = Number(process.env.SITES ?? 60);
const PASSES = Number(process.env.PASSES ?? 2);
const YEARS = Array.from({ length: 80 }, (_, i) => 2021 + i);

/** The wide table as migration 003 made it, under a name of its own. */
const WIDE_TABLE = `CREATE TABLE bench_wide_risk_results (
  assessment_id text NOT NULL, site_id text NOT NULL, scenario text NOT NULL, year smallint NOT NULL, hazard text NOT NULL,
  h double precision NOT NULL, e double precision NOT NULL, v double precision NOT NULL, p_bins double precision[] NOT NULL,
  base_aal double precision NOT NULL, final_aal double precision NOT NULL, expected_loss double precision NOT NULL,
  integrated_score double precision NOT NULL, grade text NOT NULL, model_version text NOT NULL, computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (assessment_id, site_id, scenario, year, hazard),
  FOREIGN KEY (assessment_id, site_id) REFERENCES risk_sites (assessment_id, site_id) ON DELETE CASCADE)`;

/** The write as it was before migration 015, kept here as the baseline. */
async function replaceWide(
  client: PoolClient,
  target: { assessmentId: string; siteId: string; scenario: Scenario },
  cells: ReadonlyArray<{ year: number; results: readonly HazardResult[] }>,
  modelVersion: string,
  attempt: number,
): Promise<void> {
  const years = cells.map((c) => c.year);
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`risk_results/${target.assessmentId}/${target.siteId}/${target.scenario}`]);
  await client.query(`DELETE FROM bench_wide_risk_results WHERE assessment_id = $1 AND site_id = $2 AND scenario = $3 AND year = ANY($4::smallint[])`, [
    target.assessmentId,
    target.siteId,
    target.scenario,
    years,
  ]);
  const rows = new BinaryCopyRows();
  for (const cell of cells) {
    for (const r of cell.results) {
      rows.row(15).text(target.assessmentId).text(target.siteId).text(target.scenario).int2(cell.year).text(r.hazard);
      rows.float8(r.h).float8(r.e).float8(r.v).float8Array(r.pBins).float8(r.baseAal).float8(r.finalAal);
      rows.float8(r.expectedLoss).float8(r.integratedScore).text(r.grade).text(modelVersion);
    }
  }
  await copyBinaryInto(
    client,
    'bench_wide_risk_results (assessment_id, site_id, scenario, year, hazard, h, e, v, p_bins, base_aal, final_aal, expected_loss, integrated_score, grade, model_version)',
    rows,
  );
  await client.query(
    `INSERT INTO risk_cells (assessment_id, site_id, scenario, year, status, attempts)
     SELECT $1, $2, $3, y, 'COMPLETED', $5 FROM unnest($4::smallint[]) AS y
     ON CONFLICT (assessment_id, site_id, scenario, year) DO UPDATE SET status = 'COMPLETED', attempts = EXCLUDED.attempts, error = NULL, updated_at = now()`,
    [target.assessmentId, target.siteId, target.scenario, years, attempt],
  );
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const pool = createPool(loadConfig(), 'dp-bench-writes');
  try {
    await pool.query(WIDE_TABLE);
    const id = `bench-writes-${Date.now()}`;
    const sites = Array.from({ length: SITES }, (_, i) => site(`w${i}`, i));
    await withTransaction(pool, async (tx) => {
      await assessments.insertAssessment(tx, { id, scenarios: SCENARIOS, yearFrom: 2021, yearTo: 2100, siteCount: sites.length });
      await assessments.insertSites(tx, id, sites as never);
    });
    const [nearest] = await findNearestGridPoints(pool, [sites[0]]);
    const inputs = { site: sites[0] as never, ...(await loadSiteInputs(pool, nearest!.gridId)) };
    const cells = new Map(SCENARIOS.map((s) => [s, computeScenarioCells(inputs, s, YEARS, DEFAULT_CELL_OPTIONS) as SiteCellResult[]]));
    const loadBefore = load();
    const spent = { wide: [0, 0], narrow: [0, 0] };
    for (let pass = 0; pass < PASSES; pass += 1) {
      for (const [i, s] of sites.entries()) {
        // A site keeps its way in every pass, so a second pass rewrites that way's own rows.
        const way = i % 2 === 0 ? 'wide' : 'narrow';
        const started = performance.now();
        for (const scenario of SCENARIOS) {
          const target = { assessmentId: id, siteId: s.id, scenario };
          await withTransaction(pool, (tx) =>
            way === 'wide'
              ? replaceWide(tx, target, cells.get(scenario)!, MODEL_VERSION, pass + 1)
              : assessments.replaceCellsResults(tx, target, cells.get(scenario)!, MODEL_VERSION, pass + 1),
          );
        }
        spent[way][Math.min(pass, 1)] += performance.now() - started;
      }
    }
    const sizes = await pool.query(
      `SELECT pg_total_relation_size('bench_wide_risk_results') AS wide, pg_total_relation_size('risk_cell_results') AS narrow,
              (SELECT count(*) FROM bench_wide_risk_results)::int AS wide_rows, (SELECT count(*) FROM risk_cell_results)::int AS narrow_rows`,
    );
    const groups = (SITES / 2) * SCENARIOS.length;
    const per = (ms: number, passes: number) => `${(ms / groups / passes).toFixed(1)} ms per group of 80 cells (720 results)`;
    console.log(`\nbench:risk-writes (${SITES / 2} sites each way, alternating, ${PASSES} passes; load before ${loadBefore}, after ${load()})`);
    console.log(`  wide rows (003), first write       ${per(spent.wide[0], 1)}`);
    console.log(`  narrow rows (015), first write     ${per(spent.narrow[0], 1)}`);
    console.log(`  ratio narrow / wide, first write   ${(spent.narrow[0] / spent.wide[0]).toFixed(2)}×`);
    if (PASSES > 1) {
      console.log(`  wide rows, rewrite (delete + copy) ${per(spent.wide[1], PASSES - 1)}`);
      console.log(`  narrow rows, rewrite               ${per(spent.narrow[1], PASSES - 1)}`);
      console.log(`  ratio narrow / wide, rewrite       ${(spent.narrow[1] / spent.wide[1]).toFixed(2)}×`);
    }
    const s = sizes.rows[0];
    const mb = (bytes: string) => `${(Number(bytes) / 2 ** 20).toFixed(1)} MB`;
    console.log(`  stored: wide ${s.wide_rows} rows, ${mb(s.wide)} (with indexes) · narrow ${s.narrow_rows} rows, ${mb(s.narrow)}`);
  } finally {
    await pool.query('DROP TABLE IF EXISTS bench_wide_risk_results').catch(() => undefined);
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
