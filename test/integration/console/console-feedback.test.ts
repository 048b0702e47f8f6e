import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, WatchedPage } from '../../support/browser';
import { feedbackEnv, insertChallenge, startFakeModelServer, type FakeModelServer } from '../../support/feedback';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

describe('console: LLM feedback in a real browser', () => {
  let server: FakeModelServer;
  let stack: TestStack;
  let browser: Browser;
  let page: WatchedPage;
  before(async () => {
    // Slow tokens: the page shows text while the job is still running.
    server = await startFakeModelServer({ tokenLatencyMs: 40, tokensPerChunk: 2 });
    [stack, browser] = await Promise.all([startTestStack({ config: testConfig(feedbackEnv(server)), queues: ['feedback'] }), launchBrowser()]);
    await insertChallenge(stack.pool, 'console-challenge');
    page = await WatchedPage.open(browser);
  });
  after(async () => {
    await page?.close();
    await browser?.close();
    await stack?.stop();
    await server?.stop();
  });

  test('a job started from the form streams its tokens live, then shows the feedback', { timeout: 120_000 }, async () => {
    const p = page.page;
    await page.load(`${stack.apiUrl}/feedback-jobs`);
    assert.equal(await p.locator('.site-header nav a[aria-current="page"]').innerText(), 'LLM feedback');
    await p.getByLabel('Challenge id').fill('console-challenge');
    await p.getByLabel('Submission').fill('I repaired my bike instead of buying a new one.');
    await p.getByLabel('Job key (optional)').fill('console-feedback');
    await p.getByRole('button', { name: 'Ask for feedback' }).click();
    await p.waitForURL(/\/feedback-jobs\/feedback-console-feedback$/);
    await page.ready();
    // Text is on the page while the job still runs: it arrived as the model wrote it.
    await p.getByTestId('token-stream').filter({ hasText: /"verdict"/ }).waitFor({ timeout: 60_000 });
    const statusWhileStreaming = await p.locator('.facts .status').first().innerText();
    assert.equal(statusWhileStreaming, 'RUNNING');
    await p.locator('#feedback-result').waitFor({ timeout: 60_000 });
    assert.match(await p.locator('#feedback-result').innerText(), /^Feedback: .+ \(\d+\/100\)$/);
    assert.match(await p.locator('[data-testid="token-stream"]').innerText(), /^\{"verdict":/);
  });
});
