import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeCell, computeGridCells, DEFAULT_CELL_OPTIONS } from '../../../src/domain/risk/cell';
import { HAZARD_MODEL_VERSION, MODEL_VERSION } from '../../../src/domain/risk/model-version';
import { SCENARIOS, type SiteProfile } from '../../../src/domain/risk/types';
import { upsertGridResults } from '../../../src/infra/risk/queries/grid-batch';
import { findNearestGridPoints, loadSiteInputs } from '../../../src/infra/risk/queries/reference';
import { hangWhen } from '../../support/fault-injection';
import { apiJson, firstGridPoints, gridRowCounts, startGridBatch } from '../../support/grid-batch';
import { postAssessment, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig } from '../../support/stack';

const ROWS_PER_POINT = SCENARIOS.length * 80 * 9;
const ALL_YEARS = Array.from({ length: 80 }, (_, i) => 2021 + i);

describe('hazard grid batch', () => {
  test('every (point, scenario, year, hazard) is stored exactly once with the domain values; a second batch updates in place', { timeout: 240_000 }, async () => {
    const stack = await startTestStack({ queues: ['risk'] });
    try {
      const grid = await firstGridPoints(stack, 24);
      // Small children and runs, so this small grid still fans out and continues as new.
      const tuning = { pointsPerChild: 8, pointsPerActivity: 3, maxChildrenInFlight: 2, childrenPerRun: 2 };
      const first = await startGridBatch(stack, `grid-batch-a-${Date.now()}`, grid, tuning);
      const status = await first.result();
      assert.equal(status.pointsDone, 24);
      assert.equal(status.failedChunks, 0);
      assert.deepEqual(await gridRowCounts(stack, grid), { hazard: 24 * ROWS_PER_POINT, probability: 24 * ROWS_PER_POINT });

      // The stored numbers are the domain's, bit for bit, for a sampled point.
      const sample = grid.ids[5];
      const expected = computeGridCells(await loadSiteInputs(stack.pool, sample), SCENARIOS, ALL_YEARS, { windowYears: stack.config.pipelines.risk.gridBatch.windowYears });
      const { rows } = await stack.pool.query(
        `SELECT h.scenario, h.year, h.hazard, h.h, p.p_bins, p.base_aal, p.window_years, h.batch_id
         FROM hazard_results h JOIN probability_results p USING (grid_id, scenario, year, hazard) WHERE grid_id = $1`,
        [sample],
      );
      assert.equal(rows.length, ROWS_PER_POINT);
      const stored = new Map(rows.map((r) => [`${r.scenario}/${r.year}/${r.hazard}`, r]));
      for (const cell of expected) {
        for (const r of cell.results) {
          const row = stored.get(`${cell.scenario}/${cell.year}/${r.hazard}`);
          assert.ok(row, `${cell.scenario} ${cell.year} ${r.hazard} stored`);
          assert.equal(row.h, r.h);
          assert.deepEqual(row.p_bins, r.pBins);
          assert.equal(row.base_aal, r.baseAal);
          assert.equal(row.batch_id, first.workflowId);
        }
      }

      const view = await apiJson(stack, 'GET', `/api/risk-batches/${first.workflowId}`);
      assert.equal(view.status, 200);
      assert.equal(view.body.status, 'COMPLETED');
      assert.equal(view.body.pointsDone, 24);
      assert.equal(view.body.pointsTotal, 24);

      const second = await startGridBatch(stack, `grid-batch-b-${Date.now()}`, grid, tuning);
      await second.result();
      assert.deepEqual(await gridRowCounts(stack, grid), { hazard: 24 * ROWS_PER_POINT, probability: 24 * ROWS_PER_POINT });
      const writers = await stack.pool.query(`SELECT DISTINCT batch_id FROM hazard_results WHERE grid_id BETWEEN $1 AND $2`, [grid.from, grid.to]);
      assert.deepEqual(writers.rows, [{ batch_id: second.workflowId }]);
    } finally {
      await stack.stop();
    }
  });

  test('a chunk that hangs is timed out by its heartbeat and retried; the batch completes', { timeout: 120_000 }, async () => {
    let hung = 0;
    let target = -1;
    const hangFirstAttempt = hangWhen((type, args, attempt) => {
      const input = args[0] as { chunk?: { firstGridId: number } } | undefined;
      const hit = type === 'computeGridChunk' && attempt === 1 && input?.chunk?.firstGridId === target;
      if (hit) hung += 1;
      return hit;
    });
    const stack = await startTestStack({ config: testConfig({ RISK_HEARTBEAT_TIMEOUT_S: '2' }), queues: ['risk'], interceptors: hangFirstAttempt });
    try {
      const grid = await firstGridPoints(stack, 6, 30);
      target = grid.ids[3];
      const batch = await startGridBatch(stack, `grid-batch-hang-${Date.now()}`, grid, { pointsPerChild: 6, pointsPerActivity: 3 });
      const status = await batch.result();
      assert.equal(hung, 1, 'the first attempt of one chunk hung');
      assert.equal(status.pointsDone, 6);
      const chunks = await stack.pool.query(`SELECT first_grid_id, attempts FROM risk_grid_batch_chunks WHERE batch_id = $1 ORDER BY first_grid_id`, [batch.workflowId]);
      assert.deepEqual(
        chunks.rows.map((r) => [Number(r.first_grid_id), r.attempts]),
        [
          [grid.ids[0], 1],
          [target, 2],
        ],
      );
      assert.deepEqual(await gridRowCounts(stack, grid), { hazard: 6 * ROWS_PER_POINT, probability: 6 * ROWS_PER_POINT });
    } finally {
      await stack.stop();
    }
  });

  test('site assessments reuse batch rows and give the same results as computing on the fly', { timeout: 180_000 }, async () => {
    const stack = await startTestStack({ queues: ['risk'] });
    try {
      const place = site('reuse', 2, { latitude: 36.05, longitude: 127.95 });
      const computed = await postAssessment(stack, { sites: [place] }, `reuse-fresh-${Date.now()}`);
      await waitForAssessment(stack, computed.body.id, 'COMPLETED');
      const { rows: located } = await stack.pool.query(`SELECT grid_id FROM risk_sites WHERE assessment_id = $1`, [computed.body.id]);
      const gridId = Number(located[0].grid_id);

      const batch = await startGridBatch(stack, `grid-batch-reuse-${Date.now()}`, { from: gridId, to: gridId });
      await batch.result();
      const reused = await postAssessment(stack, { sites: [place] }, `reuse-batch-${Date.now()}`);
      await waitForAssessment(stack, reused.body.id, 'COMPLETED');

      const results = async (id: string) =>
        (
          await stack.pool.query(
            `SELECT scenario, year, hazard, h, e, v, p_bins, base_aal, final_aal, expected_loss, integrated_score, grade
             FROM risk_results WHERE assessment_id = $1 ORDER BY scenario, year, hazard`,
            [id],
          )
        ).rows;
      const fresh = await results(computed.body.id);
      assert.equal(fresh.length, 2880);
      assert.deepEqual(await results(reused.body.id), fresh);
      // The second site read the batch's rows instead of writing its own.
      const writers = await stack.pool.query(`SELECT DISTINCT batch_id, model_version FROM hazard_results WHERE grid_id = $1`, [gridId]);
      assert.deepEqual(writers.rows, [{ batch_id: batch.workflowId, model_version: HAZARD_MODEL_VERSION }]);
    } finally {
      await stack.stop();
    }
  });

  test('across the bump to risk-model/2: risk-model/1 grid rows are reused, other hazard models recomputed, old site rows stay readable', { timeout: 180_000 }, async () => {
    const stack = await startTestStack({ queues: ['risk'] });
    try {
      const place = site('versions', 3);
      const [nearest] = await findNearestGridPoints(stack.pool, [place]);
      assert.ok(nearest);
      const reference = await loadSiteInputs(stack.pool, nearest.gridId);
      const windowYears = stack.config.pipelines.risk.assessment.windowYears;
      const stored = computeGridCells(reference, SCENARIOS, ALL_YEARS, { windowYears });
      const ofScenario = (scenario: string) => stored.filter((c) => c.scenario === scenario);
      // Tests share the run's database: start this grid point from exactly what the scenario below describes.
      // Only what this test stores counts: a site of another test file may have left rows at this point.
      await stack.pool.query('DELETE FROM probability_results WHERE grid_id = $1', [nearest.gridId]);
      await stack.pool.query('DELETE FROM hazard_results WHERE grid_id = $1', [nearest.gridId]);
      // What an earlier deployment left behind: SSP126 written under risk-model/1 (same hazard rules), and SSP370 under a
      // hazard model this code does not know, with H off by one so that using it would show in the results.
      await upsertGridResults(stack.pool, { writer: 'legacy-v1', windowYears, modelVersion: 'risk-model/1' }, [{ gridId: nearest.gridId, cells: ofScenario('SSP126') }]);
      const foreign = ofScenario('SSP370').map((c) => ({ ...c, results: c.results.map((r) => ({ ...r, h: r.h + 1 })) }));
      await upsertGridResults(stack.pool, { writer: 'foreign', windowYears, modelVersion: 'hazard-model/0' }, [{ gridId: nearest.gridId, cells: foreign }]);

      const res = await postAssessment(stack, { sites: [place] }, `versions-${Date.now()}`);
      await waitForAssessment(stack, res.body.id, 'COMPLETED');

      const writers = await stack.pool.query(
        `SELECT scenario, array_agg(DISTINCT batch_id) AS writers, array_agg(DISTINCT model_version) AS versions FROM hazard_results WHERE grid_id = $1 GROUP BY scenario ORDER BY scenario`,
        [nearest.gridId],
      );
      const siteWriter = `site:${res.body.id}`;
      assert.deepEqual(writers.rows, [
        { scenario: 'SSP126', writers: ['legacy-v1'], versions: ['risk-model/1'] },
        { scenario: 'SSP245', writers: [siteWriter], versions: [HAZARD_MODEL_VERSION] },
        { scenario: 'SSP370', writers: [siteWriter], versions: [HAZARD_MODEL_VERSION] },
        { scenario: 'SSP585', writers: [siteWriter], versions: [HAZARD_MODEL_VERSION] },
      ]);

      // Every result is risk-model/2 and equal to the domain's, whichever way its H and P(H) came.
      const { rows: [s] } = await stack.pool.query(`SELECT latitude, longitude, building, asset_value, insurance_rate FROM risk_sites WHERE assessment_id = $1`, [res.body.id]);
      const profile: SiteProfile = { latitude: s.latitude, longitude: s.longitude, building: s.building, asset: { value: s.asset_value, insuranceRate: s.insurance_rate } };
      const results = await stack.pool.query(`SELECT scenario, year, hazard, h, e, v, final_aal, model_version FROM risk_results WHERE assessment_id = $1`, [res.body.id]);
      assert.equal(results.rows.length, 2880);
      const byKey = new Map(results.rows.map((r) => [`${r.scenario}/${r.year}/${r.hazard}`, r]));
      for (const scenario of SCENARIOS) {
        for (const year of [2021, 2060, 2100]) {
          for (const expected of computeCell({ site: profile, ...reference }, scenario, year, { ...DEFAULT_CELL_OPTIONS, windowYears })) {
            const row = byKey.get(`${scenario}/${year}/${expected.hazard}`);
            assert.deepEqual(row && [row.h, row.e, row.v, row.final_aal, row.model_version], [expected.h, expected.e, expected.v, expected.finalAal, MODEL_VERSION], `${scenario} ${year} ${expected.hazard}`);
          }
        }
      }

      // Rows an earlier model wrote stay readable through the API, each labelled with its own version.
      await stack.pool.query(
        `UPDATE risk_cell_results c SET model_version = 'risk-model/1' FROM risk_sites s, risk_scenario_codes sc
         WHERE s.site_key = c.site_key AND s.assessment_id = $1 AND sc.code = c.scenario AND sc.scenario = 'SSP126'`,
        [res.body.id],
      );
      const page = await apiJson(stack, 'GET', `/api/risk-assessments/${res.body.id}/results?hazard=drought&year=2050&limit=10`);
      assert.equal(page.status, 200);
      assert.deepEqual(
        page.body.items.map((r: any) => [r.scenario, r.modelVersion]),
        [['SSP126', 'risk-model/1'], ['SSP245', MODEL_VERSION], ['SSP370', MODEL_VERSION], ['SSP585', MODEL_VERSION]],
      );
    } finally {
      await stack.stop();
    }
  });
});
