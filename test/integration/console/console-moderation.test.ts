import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, WatchedPage } from '../../support/browser';
import { api, startIsolatedModerationStack, trainingGate } from '../../support/moderation';
import type { TestStack } from '../../support/stack';

const ITEMS = [
  { id: 'c-clean', kind: 'review', text: '설명이 친절하고 예제가 실무랑 가까워서 좋았습니다.', authorId: 'u-7' },
  { id: 'c-profane', kind: 'review', text: '강사 진짜 ㅅㅣ발 돈 아깝다' },
  { id: 'c-rude', kind: 'review', text: 'The course sucks at explaining joins; the examples are from 2012.' },
];

describe('console: content moderation in a real browser', () => {
  const training = trainingGate();
  let stack: TestStack;
  let browser: Browser;
  let page: WatchedPage;
  before(async () => {
    // A database of its own: the test retrains, and a promoted model would change other tests' verdicts.
    [stack, browser] = await Promise.all([startIsolatedModerationStack({ interceptors: training.interceptors }), launchBrowser()]);
    page = await WatchedPage.open(browser);
  });
  after(async () => {
    await page?.close();
    await browser?.close();
    await stack?.stop();
  });

  const p = () => page.page;
  const item = (i: number) => p().locator('fieldset.item').nth(i);

  test('a batch sent from the form: a problem beside its field, then verdicts with scores and reasons land', { timeout: 120_000 }, async () => {
    await page.load(`${stack.apiUrl}/moderation`);
    assert.equal(await p().locator('.site-header nav a[aria-current="page"]').innerText(), 'Moderation');
    for (const [i, it] of ITEMS.entries()) {
      if (i > 0) await p().getByRole('button', { name: 'Add an item' }).click();
      await item(i).getByLabel('Kind').selectOption(it.kind);
      await item(i).getByLabel('Item id (optional)').fill(it.id);
      if (it.authorId) await item(i).getByLabel('Author id (optional)').fill(it.authorId);
      // The second item's text is left empty at first: the API's problem names it.
      if (i !== 1) await item(i).getByLabel('Text').fill(it.text);
    }
    await p().getByLabel('Job key (optional)').fill('console-review');
    page.allow(400, /\/api\/moderation\/items$/);
    await p().getByRole('button', { name: 'Moderate' }).click();
    const text2 = item(1).getByLabel('Text');
    await text2.and(p().locator('[aria-invalid="true"]')).waitFor();
    assert.match(await item(1).locator('.field-error').innerText(), /\S/);
    assert.equal(await item(0).locator('.field-error').count(), 0);
    assert.match(await p().locator('.problem-summary').innerText(), /\(400\)/);

    await text2.fill(ITEMS[1].text);
    await p().getByRole('button', { name: 'Moderate' }).click();
    await p().waitForURL(/\/moderation\/batches\/moderation-console-review$/);
    await page.ready();
    await p().locator('.facts .status-completed').waitFor({ timeout: 60_000 });
    await p().locator('table.items tbody tr td .verdict-review').waitFor();
    const rows = await p().locator('table.items tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-item-id'), verdict: tr.querySelector('.verdict')?.textContent, scores: tr.children[4].textContent, reasons: tr.children[5].textContent })),
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    assert.deepEqual(rows.map((r) => r.id), ITEMS.map((it) => it.id), 'request order');
    assert.deepEqual([byId['c-clean'].verdict, byId['c-profane'].verdict, byId['c-rude'].verdict], ['allow', 'block', 'review']);
    assert.match(byId['c-profane'].reasons ?? '', /Matched “?시발”? \(badwords-ko, block; disguised by characters\)/);
    assert.match(byId['c-clean'].reasons ?? '', /Model v1: P\(spam\) \d+\.\d % → allow/);
    assert.match(byId['c-clean'].scores ?? '', /^P\(spam\) [01]\.\d{3} \(\d+\.\d %\)Profanity 0 /);
    assert.match(await p().locator('figure.chart').innerText(), /Allow: 1/);
    await p().getByLabel('Verdict', { exact: true }).selectOption('block');
    await p().waitForURL(/\?verdict=block$/);
    await page.ready();
    assert.deepEqual(await p().locator('table.items tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-item-id'))), ['c-profane']);
    await page.load(`${stack.apiUrl}/moderation/batches/moderation-console-review`);
    await page.screenshot('moderation');
    assert.deepEqual(await page.accessibilityViolations(), []);

    await page.load(`${stack.apiUrl}/moderation`);
    await p().locator('table.batches > tbody > tr').filter({ hasText: 'moderation-console-review' }).waitFor();
    assert.match(await p().locator('figure.chart').innerText(), /Block/);
    assert.deepEqual(await page.accessibilityViolations(), []);
    page.assertClean();
  });

  test('the review queue: one click labels an item and it leaves the queue', { timeout: 60_000 }, async () => {
    await page.load(`${stack.apiUrl}/moderation`);
    await p().getByRole('navigation', { name: 'Content moderation' }).getByRole('link', { name: 'Review queue' }).click();
    await p().waitForURL(/\/moderation\/review$/);
    await page.ready();
    const row = p().locator('table.review-queue tbody tr[data-item-id="c-rude"]');
    await row.waitFor();
    // Without a name the API refuses the label, and says so beside the name field.
    page.allow(400, /\/feedback$/);
    await row.getByRole('button', { name: 'Ham: c-rude' }).click();
    await p().getByLabel('Your name (kept with each label)').and(p().locator('[aria-invalid="true"]')).waitFor();
    await p().getByLabel('Your name (kept with each label)').fill('reviewer-kim');
    await row.getByRole('button', { name: 'Ham: c-rude' }).click();
    await p().getByRole('status').getByText('Labelled c-rude ham.').waitFor();
    assert.equal(await row.count(), 0);
    // The next refresh asks the server, which no longer queues it.
    await p().locator('table.review-queue caption').getByText(/^Waiting for review \(0\)/).waitFor();
    assert.equal(await row.count(), 0);
    const stored = await api(stack, 'GET', '/api/moderation/items/c-rude');
    assert.deepEqual([stored.body.feedback.label, stored.body.feedback.labelledBy], ['ham', 'reviewer-kim']);
    assert.deepEqual(await page.accessibilityViolations(), []);
    page.assertClean();
  });

  test('"Retrain now" trains a new version that is listed with its metrics; a second click while it runs is skipped politely', { timeout: 180_000 }, async () => {
    await page.load(`${stack.apiUrl}/moderation/models`);
    const version = (n: number) => p().locator(`table.models > tbody > tr[data-version="${n}"]`);
    assert.match(await version(1).innerText(), /v1 current/);
    assert.match(await p().locator('.facts').innerText(), /1 from reviewers/);
    training.hold();
    await p().getByRole('button', { name: 'Retrain now' }).click();
    await p().getByRole('status').getByText(/^Retraining \S+ started\./).waitFor();
    page.allow(409, /\/api\/moderation\/retrain$/);
    await p().getByRole('button', { name: 'Retrain now' }).click();
    await p().getByRole('status').getByText(/already running, so this one was skipped/).waitFor();
    training.release();
    await version(2).locator('td', { hasText: /^(promoted|rejected)/ }).waitFor({ timeout: 120_000 });
    await p().getByRole('status').getByText(/^Retraining \S+ trained v2: (promoted|rejected)\.$/).waitFor();
    const cells = await version(2).locator('td').allInnerTexts();
    assert.match(cells[0], /^schedule\n/, 'an on-demand run goes through the schedule');
    for (const pct of cells.slice(2, 5)) assert.match(pct, /^\d{1,3}\.\d %$/);
    assert.match(cells[5], /^v1: F1 \d{1,3}\.\d %$/);
    assert.deepEqual(await page.accessibilityViolations(), []);

    // Both runs show on the Runs page, linked to their console pages, the batch with its progress.
    await page.load(`${stack.apiUrl}/?pipeline=moderation`);
    const batchRun = p().locator('tr[data-workflow-id="moderation-console-review"]');
    await batchRun.waitFor();
    assert.match(await batchRun.locator('.progress-text').innerText(), /^3 \/ 3 items$/);
    assert.equal(await batchRun.getByRole('link', { name: 'moderation-console-review', exact: true }).getAttribute('href'), '/moderation/batches/moderation-console-review');
    const retrainLinks = await p().locator('table.runs tbody tr').filter({ hasText: 'moderationRetrainWorkflow' }).locator('th a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(retrainLinks.length >= 1 && retrainLinks.every((href) => href === '/moderation/models'), retrainLinks.join());
    page.assertClean();
  });
});
