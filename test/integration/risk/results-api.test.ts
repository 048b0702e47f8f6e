import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { summarizeCell } from '../../../src/domain/risk/cell';
import { roundTo } from '../../../src/domain/risk/numeric';
import { HAZARDS } from '../../../src/domain/risk/types';
import { postAssessment, site, waitForAssessment } from '../../support/risk';
import { startTestStack, type TestStack } from '../../support/stack';

/**
 * Results as an analyst reads them: one summary definition (the domain's), stated precision,
 * units in CSV headers, and explanations that reproduce the stored numbers.
 */
let stack: TestStack;
const YEARS = { from: 2040, to: 2045 };
const SCENARIO = 'SSP245';
// Fully insured: every final AAL is 0, so the top three hazards are a pure tie (the reproduction).
const insured = site('insured', 0, { asset: { value: 50_000_000_000, insuranceRate: 1 } });
// Tank not stated, site elevation given: the rules for an unknown tank and a 2 m site apply.
const lowHouse = site('low', 1, {
  building: { structure: 'wood', purpose: 'residential', floorsAbove: 2, floorsBelow: 0, ageYears: 40, floorAreaM2: 120, elevationM: 2 },
});
let id: string;

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${stack.apiUrl}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};
const getJson = async (path: string) => {
  const res = await get(path);
  return { status: res.status, body: JSON.parse(res.text) };
};
const decimals = (n: number) => (String(n).split('.')[1] ?? '').length;

before(async () => {
  stack = await startTestStack({ queues: ['risk'] });
  const res = await postAssessment(stack, { sites: [insured, lowHouse], scenarios: [SCENARIO], years: YEARS }, 'results-api');
  assert.equal(res.status, 202, JSON.stringify(res.body));
  id = res.body.id;
  await waitForAssessment(stack, id, 'COMPLETED');
});
after(() => stack.stop());

describe('summaries: one definition', () => {
  test('a fully insured site: ties keep hazard order and the mean score is rounded, unlike the old SQL aggregate', async () => {
    const { status, body } = await getJson(`/api/risk-assessments/${id}/results?view=summary&siteId=insured`);
    assert.equal(status, 200);
    assert.equal(body.total, YEARS.to - YEARS.from + 1);
    for (const summary of body.items) {
      const { rows } = await stack.pool.query(
        `SELECT hazard, final_aal, expected_loss, integrated_score FROM risk_results WHERE assessment_id = $1 AND site_id = 'insured' AND year = $2`,
        [id, summary.year],
      );
      const domain = summarizeCell(rows.map((r) => ({ hazard: r.hazard, finalAal: r.final_aal, expectedLoss: r.expected_loss, integratedScore: r.integrated_score })));
      assert.ok(rows.every((r) => r.final_aal === 0));
      assert.deepEqual(summary.topHazards, HAZARDS.slice(0, 3));
      assert.deepEqual(summary.topHazards, domain.topHazards);
      assert.equal(summary.meanIntegratedScore, domain.meanIntegratedScore);
      assert.equal(summary.totalFinalAal, 0);
      // What the SQL summary used to answer for the same rows: alphabetical ties, an unrounded mean.
      const { rows: [old] } = await stack.pool.query(
        `SELECT (array_agg(hazard ORDER BY final_aal DESC, hazard))[1:3] AS top, avg(integrated_score) AS mean
         FROM risk_results WHERE assessment_id = $1 AND site_id = 'insured' AND year = $2`,
        [id, summary.year],
      );
      assert.deepEqual(old.top, ['drought', 'extreme_cold', 'extreme_heat']);
      assert.notDeepEqual(summary.topHazards, old.top);
      assert.equal(summary.meanIntegratedScore, roundTo(old.mean, 2));
    }
  });

  test('summary CSV names units in its header', async () => {
    const csv = await get(`/api/risk-assessments/${id}/results?view=summary&year=2042`, { accept: 'text/csv' });
    const [header, ...lines] = csv.text.trim().split('\r\n');
    assert.equal(header, 'site_id,scenario,year,total_final_aal_rate,total_expected_loss_krw,max_integrated_score,mean_integrated_score,top_hazards');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /,extreme_heat;extreme_cold;drought$/);
  });
});

describe('stated precision', () => {
  test('scores have at most 2 decimals, rates 8, probabilities 6; the database keeps full precision', async () => {
    const { body } = await getJson(`/api/risk-assessments/${id}/results?siteId=low`);
    assert.equal(body.items.length, 6 * 9);
    for (const r of body.items) {
      assert.ok(decimals(r.h) <= 2 && decimals(r.integratedScore) <= 2, `${r.hazard} ${r.h} ${r.integratedScore}`);
      assert.ok(decimals(r.baseAal) <= 8 && decimals(r.finalAal) <= 8, `${r.hazard} ${r.baseAal} ${r.finalAal}`);
      assert.ok(r.pBins.every((p: number) => decimals(p) <= 6), `${r.hazard} ${r.pBins}`);
      assert.ok(Number.isInteger(r.e) && Number.isInteger(r.v) && Number.isInteger(r.expectedLoss));
    }
    const { rows } = await stack.pool.query(`SELECT h, base_aal FROM risk_results WHERE assessment_id = $1 AND site_id = 'low'`, [id]);
    assert.ok(rows.some((r) => decimals(r.base_aal) > 8), 'full precision is stored');
  });
});

describe('pages and totals', () => {
  // Totals are counted on the stored cells, pages read through the risk_results view: both must agree with the view.
  const filters = ['', '&hazard=drought', '&year=2042', '&siteId=low&hazard=typhoon&year=2041', `&scenario=${SCENARIO}&hazard=wildfire`, '&scenario=SSP585'];

  test('a page of hazard results: its total and its rows in order, under every filter', async () => {
    const all = (await stack.pool.query(`SELECT site_id, scenario, year, hazard FROM risk_results WHERE assessment_id = $1 ORDER BY site_id, scenario, year, hazard`, [id])).rows;
    for (const f of filters) {
      const q = new URLSearchParams(f.slice(1));
      const matching = all.filter((r) => ['siteId', 'scenario', 'hazard', 'year'].every((k) => !q.has(k) || String(r[k === 'siteId' ? 'site_id' : k]) === q.get(k)));
      const { status, body } = await getJson(`/api/risk-assessments/${id}/results?limit=7&offset=3${f}`);
      assert.equal(status, 200, `${f}: ${JSON.stringify(body).slice(0, 200)}`);
      assert.equal(body.total, matching.length, f);
      assert.deepEqual(
        body.items.map((r: any) => [r.siteId, r.scenario, r.year, r.hazard]),
        matching.slice(3, 10).map((r) => [r.site_id, r.scenario, r.year, r.hazard]),
        f,
      );
    }
  });

  test('a page of cell summaries: its total counts cells, and a hazard filter keeps that hazard only', async () => {
    const { body: whole } = await getJson(`/api/risk-assessments/${id}/results?view=summary&limit=5`);
    assert.equal(whole.total, 2 * (YEARS.to - YEARS.from + 1));
    assert.deepEqual(whole.items.map((c: any) => [c.siteId, c.year]), [2040, 2041, 2042, 2043, 2044].map((y) => ['insured', y]));
    const { body: one } = await getJson(`/api/risk-assessments/${id}/results?view=summary&hazard=drought&year=2043`);
    assert.equal(one.total, 2);
    assert.deepEqual(one.items.map((c: any) => [c.siteId, c.topHazards]), [['insured', ['drought']], ['low', ['drought']]]);
  });
});

describe('explanations', () => {
  test('explain=true reproduces each stored row: grid point, window, edges, P and damage per bin, rules, formulas', async () => {
    const { status, body } = await getJson(`/api/risk-assessments/${id}/results?siteId=low&year=2043&explain=true`);
    assert.equal(status, 200, JSON.stringify(body).slice(0, 300));
    const { rows } = await stack.pool.query(`SELECT * FROM risk_results WHERE assessment_id = $1 AND site_id = 'low' AND year = 2043`, [id]);
    const { rows: [s] } = await stack.pool.query(`SELECT grid_id, grid_distance_km FROM risk_sites WHERE assessment_id = $1 AND site_id = 'low'`, [id]);
    for (const r of body.items) {
      const x = r.explain;
      const stored = rows.find((row) => row.hazard === r.hazard);
      assert.equal(x.matchesStored, true, r.hazard);
      assert.deepEqual([x.gridPoint.id, x.gridPoint.distanceKm], [Number(s.grid_id), s.grid_distance_km]);
      assert.equal(x.h, stored.h);
      assert.deepEqual(x.bins.map((b: { p: number }) => b.p), stored.p_bins);
      assert.equal(x.finalAal.value, stored.final_aal);
      assert.equal(x.bins.length + 1, x.edges.resolved.length);
      assert.deepEqual([x.window.from, x.window.to, x.window.samples], [2028, 2057, 30]);
      assert.match(x.finalAal.substituted, new RegExp(`^${x.baseAal.value} × \\(0\\.9 \\+ 0\\.2 × ${stored.v} / 100\\) × \\(1 − 0\\.2\\)`));
    }
    const slr = body.items.find((r: { hazard: string }) => r.hazard === 'sea_level_rise').explain;
    assert.ok(slr.vulnerability.rules.some((rule: { rule: string; points: number }) => rule.rule === 'elevation < 3 m' && rule.points === 50));
    const water = body.items.find((r: { hazard: string }) => r.hazard === 'water_stress').explain;
    assert.ok(water.vulnerability.rules.some((rule: { rule: string }) => rule.rule.startsWith('tank unknown, not required by law')));
  });

  test('one result by its key carries the same explanation; CSV with explain adds the explanation columns', async () => {
    const list = await getJson(`/api/risk-assessments/${id}/results?siteId=low&year=2041&hazard=river_flood&explain=true`);
    const one = await getJson(`/api/risk-assessments/${id}/results/low/${SCENARIO}/2041/river_flood`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, list.body.items[0]);
    const csv = await get(`/api/risk-assessments/${id}/results?siteId=low&year=2041&explain=true`, { accept: 'text/csv' });
    const [header, first] = csv.text.split('\r\n');
    assert.match(header, /,computed_at,grid_id,grid_distance_km,window_years,intensity_measure,bin_edges,p_bins_full,damage_ratios,exposure_rules,vulnerability_rules,final_aal_formula,matches_stored$/);
    assert.match(first, /,2026-2055,/);
    assert.match(first, /,true$/);
  });

  test('unknown result is 404; explain with summaries or over 1,000 rows is a 400 naming the field', async () => {
    assert.equal((await get(`/api/risk-assessments/${id}/results/nobody/${SCENARIO}/2041/river_flood`)).status, 404);
    assert.equal((await get(`/api/risk-assessments/${id}/results/low/${SCENARIO}/2099/river_flood`)).status, 404);
    const summary = await getJson(`/api/risk-assessments/${id}/results?view=summary&explain=true`);
    assert.equal(summary.status, 400);
    assert.equal(summary.body.errors[0].field, 'query.explain');
    const big = await getJson(`/api/risk-assessments/${id}/results?explain=true&limit=5000`);
    assert.equal(big.status, 400);
    assert.equal(big.body.errors[0].field, 'query.limit');
  });
});
