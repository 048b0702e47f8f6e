import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { computeCell, summarizeCell, DEFAULT_CELL_OPTIONS, MODEL_VERSION } from '../../../src/domain/risk/cell';
import { HAZARDS, SCENARIOS, type SiteProfile } from '../../../src/domain/risk/types';
import { loadSiteInputs } from '../../../src/infra/risk/queries/reference';
import { roundRate } from '../../../src/api/risk/units';
import { getAssessment, postAssessment, resultCount, site, waitForAssessment } from '../../support/risk';
import { startTestStack, type TestStack } from '../../support/stack';

describe('one site end-to-end through the API', () => {
  let stack: TestStack;
  let id: string;
  before(async () => {
    stack = await startTestStack({ queues: ['risk'] });
    const res = await postAssessment(stack, { sites: [site('hq')] }, 'one-site');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    id = res.body.id;
  });
  after(() => stack.stop());

  test('answers 202 with the id and links, then COMPLETES with every cell', async () => {
    assert.equal(id, 'risk-one-site');
    const view = await waitForAssessment(stack, id, 'COMPLETED');
    assert.deepEqual(view.progress, { totalSites: 1, totalCells: 320, sitesDone: 1, sitesFailed: 0, completedCells: 320, failedCells: 0 });
    assert.equal(view.sites[0].status, 'COMPLETED');
    assert.ok(view.sites[0].gridDistanceKm < 10);
    assert.equal(view.links.run, `/api/runs/${id}`);
  });

  test('exactly 2,880 result rows, all four scenarios, one per (scenario, year, hazard)', async () => {
    assert.deepEqual(await resultCount(stack, id), { rows: 2880, distinct: 2880 });
    const { rows } = await stack.pool.query(`SELECT scenario, count(*)::int AS n FROM risk_results WHERE assessment_id = $1 GROUP BY scenario ORDER BY scenario`, [id]);
    assert.deepEqual(rows, SCENARIOS.map((scenario) => ({ scenario, n: 720 })));
  });

  test('stored numbers are the domain functions applied to the stored inputs', async () => {
    const { rows: [s] } = await stack.pool.query(`SELECT latitude, longitude, building, asset_value, insurance_rate, grid_id FROM risk_sites WHERE assessment_id = $1`, [id]);
    const profile: SiteProfile = { latitude: s.latitude, longitude: s.longitude, building: s.building, asset: { value: s.asset_value, insuranceRate: s.insurance_rate } };
    const inputs = { site: profile, ...(await loadSiteInputs(stack.pool, Number(s.grid_id))) };
    const stored = await stack.pool.query(`SELECT * FROM risk_results WHERE assessment_id = $1`, [id]);
    const byKey = new Map(stored.rows.map((r) => [`${r.scenario}/${r.year}/${r.hazard}`, r]));
    for (const scenario of SCENARIOS) {
      for (const year of [2021, 2050, 2075, 2100]) {
        for (const expected of computeCell(inputs, scenario, year, DEFAULT_CELL_OPTIONS)) {
          const row = byKey.get(`${scenario}/${year}/${expected.hazard}`);
          assert.ok(row, `${scenario}/${year}/${expected.hazard}`);
          assert.equal(row.h, expected.h);
          assert.equal(row.e, expected.e);
          assert.equal(row.v, expected.v);
          assert.equal(row.final_aal, expected.finalAal);
          assert.equal(row.expected_loss, expected.expectedLoss);
          assert.deepEqual(row.p_bins, expected.pBins);
          assert.equal(row.grade, expected.grade);
          assert.equal(row.model_version, MODEL_VERSION);
        }
      }
    }
  });

  test('AAL moves with the year where the indicators trend', async () => {
    const { rows } = await stack.pool.query(
      `SELECT hazard, count(DISTINCT final_aal)::int AS distinct_values FROM risk_results WHERE assessment_id = $1 AND scenario = 'SSP585' GROUP BY hazard`,
      [id],
    );
    const heat = rows.find((r) => r.hazard === 'extreme_heat');
    assert.ok(heat.distinct_values > 10, `extreme_heat AAL took ${heat.distinct_values} distinct values over 80 years`);
  });

  test('results filter, page and come as CSV', async () => {
    const url = `${stack.apiUrl}/api/risk-assessments/${id}/results?scenario=SSP245&hazard=typhoon&fromYear=2030&toYear=2039&limit=4&offset=2`;
    const page = (await (await fetch(url)).json()) as any;
    assert.equal(page.total, 10);
    assert.deepEqual(page.items.map((r: any) => r.year), [2032, 2033, 2034, 2035]);
    assert.ok(page.items.every((r: any) => r.scenario === 'SSP245' && r.hazard === 'typhoon'));
    const csv = await fetch(`${stack.apiUrl}/api/risk-assessments/${id}/results?year=2050&scenario=SSP126`, { headers: { accept: 'text/csv' } });
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines.length, 1 + HAZARDS.length);
    assert.equal(lines[0], 'site_id,scenario,year,hazard,h_score,e_score,v_score,p_bins_fraction,base_aal_rate,final_aal_rate,expected_loss_krw,integrated_score,grade,model_version,computed_at');
  });

  test('the summary view totals a cell and names its top three hazards', async () => {
    const page = (await (await fetch(`${stack.apiUrl}/api/risk-assessments/${id}/results?view=summary&scenario=SSP370&year=2060`)).json()) as any;
    assert.equal(page.total, 1);
    const [summary] = page.items;
    const { rows } = await stack.pool.query(`SELECT hazard, final_aal, expected_loss, integrated_score FROM risk_results WHERE assessment_id = $1 AND scenario = 'SSP370' AND year = 2060`, [id]);
    const expected = summarizeCell(rows.map((r) => ({ hazard: r.hazard, finalAal: r.final_aal, expectedLoss: r.expected_loss, integratedScore: r.integrated_score })));
    // The domain's summary of the stored rows, at the API's stated precision.
    assert.deepEqual(summary, {
      siteId: 'hq',
      scenario: 'SSP370',
      year: 2060,
      totalFinalAal: roundRate(expected.totalFinalAal),
      totalExpectedLoss: expected.totalExpectedLoss,
      maxIntegratedScore: expected.maxIntegratedScore,
      meanIntegratedScore: expected.meanIntegratedScore,
      topHazards: expected.topHazards,
    });
  });

  test('the run is visible at the Temporal level with its search attributes', async () => {
    const run = (await (await fetch(`${stack.apiUrl}/api/runs/${id}`)).json()) as any;
    assert.equal(run.type, 'riskAssessmentWorkflow');
    assert.equal(run.status, 'COMPLETED');
    assert.deepEqual(run.searchAttributes.DpScenarios, [...SCENARIOS]);
    assert.equal(run.searchAttributes.DpStatusDetail, 'completed');
    const child = (await (await fetch(`${stack.apiUrl}/api/runs/${id}-site-hq`)).json()) as any;
    assert.equal(child.type, 'siteRiskWorkflow');
    assert.deepEqual(child.searchAttributes.DpSiteIds, ['hq']);
  });

  test('an unknown assessment is 404', async () => {
    const res = await fetch(`${stack.apiUrl}/api/risk-assessments/risk-nope`);
    assert.equal(res.status, 404);
    assert.equal((await getAssessment(stack, 'risk-nope')).status, 404);
  });
});

