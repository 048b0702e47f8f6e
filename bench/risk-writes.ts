// `node --import tsx devtools/local-stack/test.ts --script bench/risk-writes.ts`: the site result
// write as it was (INSERT … ON CONFLICT of binary arrays) against the binary COPY that replaced it
// (replaceCellsResults, which also deletes earlier rows and writes the cell statuses), the same
// rows, alternating in the same run so both meet the same load.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createPool, withTransaction } from '../src/infra/db/pool';
import { loadConfig } from '../src/config';
import { computeScenarioCells, DEFAULT_CELL_OPTIONS, MODEL_VERSION, type SiteCellResult } from '../src/domain/risk/cell';
import type { HazardResult, Scenario } from '../src/domain/risk/types';
import { SCENARIOS } from '../src/domain/risk/types';
import type { Queryable } from '../src/infra/db/queryable';
import * as assessments from '../src/infra/risk/queries/assessments';
import { findNearestGridPoints, loadSiteInputs } from '../src/infra/risk/queries/reference';
import { binaryArray, float8s } from '../src/infra/risk/queries/reference-rows';
import { site } from '../test/support/risk';

const SITES = Number(process.env.SITES ?? 60);
const YEARS = Array.from({ length: 80 }, (_, i) => 2021 + i);

/** The former statement, kept here as the baseline. */
async function insertOnConflict(
  db: Queryable,
  target: { assessmentId: string; siteId: string; scenario: Scenario },
  cells: ReadonlyArray<{ year: number; results: readonly HazardResult[] }>,
  modelVersion: string,
): Promise<void> {
  if (cells.length === 0) return;
  const rows = cells.flatMap((cell) => cell.results.map((r) => ({ year: cell.year, r })));
  // Floats travel as binary arrays and each row's bins as a slice of one flat array: no text or
  // JSON parsing per value, and the numbers arrive bit for bit.
  const bins: number[] = [];
  const binStart: number[] = [];
  const binEnd: number[] = [];
  for (const { r } of rows) {
    binStart.push(bins.length + 1);
    bins.push(...r.pBins);
    binEnd.push(bins.length);
  }
  const column = (pick: (r: HazardResult) => number) => float8s(rows.map((x) => pick(x.r)));
  await db.query(
    `INSERT INTO risk_results (assessment_id, site_id, scenario, year, hazard, h, e, v, p_bins, base_aal, final_aal, expected_loss, integrated_score, grade, model_version)
     SELECT $1, $2, $3, r.year, r.hazard, r.h, r.e, r.v, ($16::float8[])[r.lo:r.hi], r.base_aal, r.final_aal, r.expected_loss, r.integrated_score, r.grade, $4
     FROM unnest($5::smallint[], $6::text[], $7::float8[], $8::float8[], $9::float8[], $10::int[], $17::int[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::text[])
       AS r(year, hazard, h, e, v, lo, hi, base_aal, final_aal, expected_loss, integrated_score, grade)
     ON CONFLICT (assessment_id, site_id, scenario, year, hazard) DO UPDATE SET
       h = EXCLUDED.h, e = EXCLUDED.e, v = EXCLUDED.v, p_bins = EXCLUDED.p_bins, base_aal = EXCLUDED.base_aal,
       final_aal = EXCLUDED.final_aal, expected_loss = EXCLUDED.expected_loss, integrated_score = EXCLUDED.integrated_score,
       grade = EXCLUDED.grade, model_version = EXCLUDED.model_version, computed_at = now()`,
    [
      target.assessmentId,
      target.siteId,
      target.scenario,
      modelVersion,
      binaryArray(rows.map((x) => x.year), 'int2'),
      rows.map((x) => x.r.hazard),
      column((r) => r.h),
      column((r) => r.e),
      column((r) => r.v),
      binStart,
      column((r) => r.baseAal),
      column((r) => r.finalAal),
      column((r) => r.expectedLoss),
      column((r) => r.integratedScore),
      rows.map((x) => x.r.grade),
      float8s(bins),
      binEnd,
    ],
  );
}

async function main(): Promise<void> {
  const pool = createPool(loadConfig(), 'dp-bench-writes');
  try {
    const id = `bench-writes-${Date.now()}`;
    const sites = Array.from({ length: SITES }, (_, i) => site(`w${i}`, i));
    await withTransaction(pool, async (tx) => {
      await assessments.insertAssessment(tx, { id, scenarios: SCENARIOS, yearFrom: 2021, yearTo: 2100, siteCount: sites.length });
      await assessments.insertSites(tx, id, sites as never);
    });
    const [nearest] = await findNearestGridPoints(pool, [sites[0]]);
    const inputs = { site: sites[0] as never, ...(await loadSiteInputs(pool, nearest!.gridId)) };
    const cells = new Map(SCENARIOS.map((s) => [s, computeScenarioCells(inputs, s, YEARS, DEFAULT_CELL_OPTIONS) as SiteCellResult[]]));
    const spent = { insert: 0, copy: 0 };
    for (const [i, s] of sites.entries()) {
      const way = i % 2 === 0 ? 'insert' : 'copy';
      const started = performance.now();
      for (const scenario of SCENARIOS) {
        const target = { assessmentId: id, siteId: s.id, scenario };
        await withTransaction(pool, async (tx) => {
          if (way === 'copy') await assessments.replaceCellsResults(tx, target, cells.get(scenario)!, MODEL_VERSION, 1);
          else {
            await insertOnConflict(tx, target, cells.get(scenario)!, MODEL_VERSION);
            await tx.query(
              `INSERT INTO risk_cells (assessment_id, site_id, scenario, year, status, attempts)
               SELECT $1, $2, $3, y, 'COMPLETED', 1 FROM unnest($4::smallint[]) AS y
               ON CONFLICT (assessment_id, site_id, scenario, year) DO UPDATE SET status = 'COMPLETED', attempts = EXCLUDED.attempts, error = NULL, updated_at = now()`,
              [id, s.id, scenario, YEARS],
            );
          }
        });
      }
      spent[way] += performance.now() - started;
    }
    const per = (ms: number) => `${(ms / (SITES / 2) / SCENARIOS.length).toFixed(1)} ms per group of 720 rows`;
    console.log(`\nbench:risk-writes (${SITES / 2} sites each way, alternating; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
    console.log(`  INSERT … ON CONFLICT from binary arrays (before)   ${per(spent.insert)}`);
    console.log(`  DELETE + binary COPY (now)                          ${per(spent.copy)}`);
    console.log(`  ratio now / before                                  ${(spent.copy / spent.insert).toFixed(2)}×`);
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
