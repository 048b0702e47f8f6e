import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startSampleChallengeSite, type SampleChallengeSite } from '../../../devtools/sample-challenge-site';
import { launchBrowser, WatchedPage } from '../../support/browser';
import { crawlEnv, startCrawlStack } from '../../support/crawl';
import type { TestStack } from '../../support/stack';

describe('console: the challenge crawler in a real browser', () => {
  let site: SampleChallengeSite;
  let stack: TestStack;
  let browser: Browser;
  let page: WatchedPage;
  before(async () => {
    site = await startSampleChallengeSite({ slowMs: 4_000, idPrefix: 'console-' });
    [stack, browser] = await Promise.all([startCrawlStack(crawlEnv([`${site.url}/`])), launchBrowser()]);
    page = await WatchedPage.open(browser);
  });
  after(async () => {
    await page?.close();
    await browser?.close();
    await stack?.stop();
    await site?.stop();
  });

  const p = () => page.page;

  test('a crawl started from the page: its counts and pages with reasons, then the challenge documents', { timeout: 180_000 }, async () => {
    await page.load(`${stack.apiUrl}/crawls`);
    assert.equal(await p().locator('.site-header nav a[aria-current="page"]').innerText(), 'Challenge crawler');
    // Other files' crawls may be listed already (one database per test run): this crawl is found by its id.
    await p().getByRole('button', { name: 'Start a crawl' }).click();
    await p().waitForURL(/\/crawls\/[^/]+$/);
    const crawlId = decodeURIComponent(new URL(p().url()).pathname.split('/').pop()!);
    await page.ready();
    await p().locator('.facts .status-completed').waitFor({ timeout: 120_000 });

    const rows = await p().locator('table.pages tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as any).children as ArrayLike<{ textContent: string | null }>).map((c) => c.textContent ?? '')));
    const byPath = Object.fromEntries(rows.map((cells) => [new URL(cells[0]).pathname, cells]));
    assert.equal(byPath['/private/console-staff-only'][1], 'DISALLOWED');
    assert.deepEqual(byPath['/broken/500'].slice(1, 2), ['FAILED']);
    assert.match(byPath['/broken/500'][4], /HTTP 500/);
    assert.match(byPath['/old/console-repair-cafe'][4], /→ .*\/moved\/console-repair-cafe/);
    assert.match(byPath['/challenges/console-bike-to-work'][3], /console-bike-to-work \(written\)/);
    const facts = await p().locator('.facts').innerText();
    assert.match(facts, /Disallowed \(robots\.txt\)\s+1/);
    assert.match(facts, /Started by\s+On request/);

    await page.load(`${stack.apiUrl}/crawls`);
    const challenges = await p().locator('table.challenges').innerText();
    assert.match(challenges, /Bike to work/);
    assert.match(challenges, /States the distance ridden/);
    const listed = await p().locator('table.crawls tbody tr').filter({ hasText: crawlId }).innerText();
    assert.match(listed, /COMPLETED\s+On request/);
    assert.deepEqual(await page.accessibilityViolations(), []);
    assert.deepEqual(page.problems, []);
  });
});
