import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEFAULT_REGION_YEARS } from '../../../src/domain/risk/regions/types';
import { HAZARDS } from '../../../src/domain/risk/types';
import { findNearestGridPoints } from '../../../src/infra/risk/queries/reference';
import { listRegions } from '../../../src/infra/risk/queries/regions';
import { ensureGridBatchSchedule } from '../../../src/pipelines/risk/grid-batch-schedule';
import { launchBrowser, WatchedPage } from '../../support/browser';
import { firstGridPoints, startGridBatch } from '../../support/grid-batch';
import { fillHazardResults } from '../../support/regions';
import { startTestStack, waitUntil, type TestStack } from '../../support/stack';

/** Vertices of an SVG path drawn by d3's linear line: one M, then one L per further point. */
const vertices = (d: string) => (d.match(/[ML]/g) ?? []).length;

describe('console: climate risk pages in a real browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: WatchedPage;
  before(async () => {
    [stack, browser] = await Promise.all([startTestStack({ queues: ['risk'] }), launchBrowser()]);
    await ensureGridBatchSchedule(stack.temporal, stack.config.pipelines.risk);
    page = await WatchedPage.open(browser);
  });
  after(async () => {
    await page?.close();
    await browser?.close();
    await stack.temporal.schedule.getHandle(stack.config.pipelines.risk.gridBatch.scheduleId).delete().catch(() => undefined);
    await stack?.stop();
  });

  test('the assessment form shows a problem next to the field it names, then starts the assessment', { timeout: 120_000 }, async () => {
    page.allow(400, /\/api\/risk-assessments$/);
    await page.load(`${stack.apiUrl}/risk-assessments`);
    const latitude = page.page.getByLabel('Latitude (°N)');
    await latitude.fill('45');
    await page.page.getByRole('button', { name: 'Start assessment' }).click();
    await page.page.locator('[data-field="body.sites[0].latitude"][aria-invalid="true"]').waitFor();
    const describedBy = (await latitude.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    assert.match(await page.page.locator(`#${describedBy}`).innerText(), /39/);
    await page.screenshot('risk-form-problem');

    await latitude.fill('37.5665');
    await page.page.getByLabel('Job key (optional)').fill('console-hq');
    await page.page.getByRole('button', { name: 'Start assessment' }).click();
    await page.page.waitForURL(/\/risk-assessments\/risk-console-hq$/);
    await page.ready();
    await page.page.locator('.facts .status-completed').waitFor({ timeout: 90_000 });
    await page.page.locator('table.sites tbody tr').first().waitFor();
    assert.deepEqual(await page.page.locator('table.sites tbody th').allInnerTexts(), ['hq']);
    assert.equal(await page.page.locator('table.sites tbody td').first().innerText(), '서울 본사');
    await page.screenshot('risk-overview');
    assert.deepEqual(await page.accessibilityViolations(), []);
    page.assertClean();
  });

  test("a site's report: 9 hazards × 4 scenarios × 80 years, stacked loss, top hazards per decade, CSV", { timeout: 60_000 }, async () => {
    await page.page.getByRole('link', { name: 'hq', exact: true }).click();
    await page.page.waitForURL(/\/sites\/hq$/);
    await page.ready();
    const charts = page.page.locator('figure[data-hazard]');
    assert.deepEqual(await charts.evaluateAll((els) => els.map((el) => el.getAttribute('data-hazard'))), [...HAZARDS]);
    for (const hazard of HAZARDS) {
      const lines = page.page.locator(`figure[data-hazard="${hazard}"] g[aria-label="line"] path`);
      const drawn = await lines.evaluateAll((paths) => paths.map((p) => ({ d: p.getAttribute('d') ?? '', title: p.querySelector('title')?.textContent })));
      assert.deepEqual(drawn.map((l) => l.title).sort(), ['SSP1-2.6', 'SSP2-4.5', 'SSP3-7.0', 'SSP5-8.5'], hazard);
      assert.deepEqual(drawn.map((l) => vertices(l.d)), [80, 80, 80, 80], hazard);
    }
    const axisLabels = await page.page.locator('figure[data-hazard="river_flood"] svg text').allTextContents();
    assert.ok(axisLabels.some((t) => t.includes('Final AAL (% of asset value / yr)')), axisLabels.join('|'));
    assert.equal(await page.page.locator('figure:not([data-hazard]) g[aria-label="area"] path').count(), 9);
    assert.equal(await page.page.locator('table.decades tbody tr').count(), 8);
    assert.equal(await page.page.locator('table.decades tbody tr').first().locator('.grade').count(), 3);

    const csv = await page.downloadText(() => page.page.getByRole('button', { name: 'Download CSV' }).click());
    const lines = csv.trim().split('\n');
    assert.equal(lines.length, 1 + 4 * 80 * 9);
    assert.match(lines[0], /^site_id,.*final_aal_rate,expected_loss_krw/);
    await page.screenshot('risk-site');
    assert.deepEqual(await page.accessibilityViolations(), []);
    page.assertClean();
  });

  test('regions: 250 centroids coloured by score, with a year slider', { timeout: 60_000 }, async () => {
    const regions = await listRegions(stack.pool);
    const nearest = await findNearestGridPoints(stack.pool, regions);
    await fillHazardResults(stack.pool, { gridIds: nearest.map((n) => n!.gridId), scenario: 'SSP585', hazard: 'river_flood', years: DEFAULT_REGION_YEARS });
    await page.load(`${stack.apiUrl}/regions?hazard=river_flood&scenario=SSP585`);
    assert.equal(await page.page.locator('figure.map g[aria-label="dot"] circle').count(), 250);
    assert.equal(await page.page.locator('figure.map').getAttribute('data-year'), String(DEFAULT_REGION_YEARS[0]));
    const slider = page.page.getByLabel('Year');
    await slider.focus();
    await page.page.keyboard.press('End');
    await page.page.locator(`figure.map[data-year="${DEFAULT_REGION_YEARS.at(-1)}"]`).waitFor();
    assert.equal(await page.page.locator('#regions-year-value').innerText(), String(DEFAULT_REGION_YEARS.at(-1)));
    assert.equal(await page.page.locator('table tbody tr').count(), 10);
    await page.screenshot('regions');
    assert.deepEqual(await page.accessibilityViolations(), []);
    page.assertClean();
  });

  test('grid batch: schedule, a batch by chunk, and "run now" through the schedule', { timeout: 120_000 }, async () => {
    const range = await firstGridPoints(stack, 40);
    const handle = await startGridBatch(stack, 'batch-console', range, { pointsPerChild: 10, pointsPerActivity: 5 });
    await page.load(`${stack.apiUrl}/risk-batches`);
    assert.match(await page.page.locator('.facts').first().innerText(), /Next run/);
    await page.page.getByRole('link', { name: 'batch-console' }).first().click();
    await page.ready();
    await handle.result();
    await page.page.locator('.facts .status-completed').waitFor({ timeout: 30_000 });
    await page.page.locator('figure g[aria-label="rect"] rect').first().waitFor();
    assert.equal(await page.page.locator('figure g[aria-label="rect"] rect').count(), 8);
    assert.match(await page.page.locator('.facts').innerText(), /Failed chunks\s+0/);
    await page.screenshot('grid-batch');
    assert.deepEqual(await page.accessibilityViolations(), []);

    await page.load(`${stack.apiUrl}/risk-batches`);
    await page.page.getByRole('button', { name: 'Run the grid batch now' }).click();
    await page.page.waitForURL(/\/risk-batches\/(?!batch-console)[^/]+$/);
    const started = decodeURIComponent(new URL(page.page.url()).pathname.split('/').pop()!);
    await page.ready();
    // The whole grid would take minutes here: stop it once the page has shown it running.
    await page.page.locator('.facts .status-running').waitFor();
    await stack.temporal.workflow.getHandle(started).terminate('console test: seen running');
    await waitUntil('the terminated batch to show as such', async () => (await page.page.locator('.facts').innerText()).includes('terminated'), 15_000);
    page.assertClean();
  });
});
