import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { expectedSha256, mediaPath, startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { launchBrowser, WatchedPage } from '../../support/browser';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';
import { startFakeSttVendor, sttEnv, wav, type FakeVendor } from '../../support/stt';

describe('console: transcription, video ETL and runs in a real browser', () => {
  let vendor: FakeVendor;
  let host: SampleVideoHost;
  let stack: TestStack;
  let browser: Browser;
  let page: WatchedPage;
  before(async () => {
    [vendor, host, browser] = await Promise.all([startFakeSttVendor({ processingMs: 1500 }), startSampleVideoHost(), launchBrowser()]);
    stack = await startTestStack({ config: testConfig({ ...sttEnv(vendor), FETCH_ALLOW_HOSTS: '127.0.0.1:*', ETL_CHUNK_SIZE: '3' }), queues: ['stt', 'etl'] });
    page = await WatchedPage.open(browser);
  });
  after(async () => {
    await page?.close();
    await browser?.close();
    await stack?.stop();
    await Promise.all([vendor?.stop(), host?.stop()]);
  });

  /** The vendor panel shows the shared state while the vendor rate-limits: the all-requests gate closed by the A0003s. */
  async function assertVendorPanel(): Promise<void> {
    const res = await fetch(`${stack.apiUrl}/api/stt/vendor`);
    assert.equal(res.status, 200);
    const panel = page.page.locator('section.vendor');
    await panel.getByText('Jobs in flight').waitFor();
    await panel.getByText(/closed until .* \(rate_limited_A0003\)/).waitFor({ timeout: 10_000 });
  }

  test('a transcription started from the form counts down while the vendor rate-limits, then shows the transcript', { timeout: 120_000 }, async () => {
    vendor.admin.configure({ random429Rate: 1, retryAfterSeconds: 6 });
    await page.load(`${stack.apiUrl}/transcriptions`);
    await page.page.getByLabel(/^Audio file/).setInputFiles({ name: '상담-녹음.wav', mimeType: 'audio/wav', buffer: wav(7, 16_000) });
    await page.page.getByLabel('Job key (optional)').fill('console-call');
    await page.page.getByRole('button', { name: 'Upload and transcribe' }).click();
    await page.page.waitForURL(/\/transcriptions\/stt-console-call$/);
    await page.ready();
    const countdown = page.page.locator('.rate-limited .countdown');
    await countdown.waitFor({ timeout: 30_000 });
    assert.match(await countdown.innerText(), /^(\d+ s|now)$/);
    assert.match(await page.page.locator('.rate-limited').innerText(), /rate limit/);
    await assertVendorPanel();
    await page.screenshot('transcription-rate-limited');

    vendor.admin.configure({ random429Rate: 0 });
    const rows = page.page.locator('table.transcript tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    const transcript = (await (await fetch(`${stack.apiUrl}/api/transcriptions/stt-console-call/transcript`)).json()) as { utterances: Array<{ text: string }> };
    assert.equal(await rows.count(), transcript.utterances.length);
    assert.equal(await rows.first().locator('td').last().innerText(), transcript.utterances[0].text);
    assert.equal(await page.page.locator('.rate-limited').count(), 0);
    assert.equal(await page.page.locator('ol.timeline li.done').count(), 4);
    const srt = await page.downloadText(() => page.page.getByRole('button', { name: 'Download SRT' }).click());
    assert.match(srt, /^1\r?\n\d\d:\d\d:\d\d,\d{3} --> /);
    await page.screenshot('transcription');
    assert.deepEqual(await page.accessibilityViolations(), []);
    page.assertClean();
  });

  test('a transcription given an audioUrl shows the fetching step before the vendor steps', { timeout: 120_000 }, async () => {
    vendor.admin.configure({ random429Rate: 0 });
    const audio = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav(3, 16_000)));
    await new Promise<void>((resolve) => audio.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`${stack.apiUrl}/api/transcriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'console-by-url' },
        body: JSON.stringify({ audioUrl: `http://127.0.0.1:${(audio.address() as AddressInfo).port}/lecture.wav` }),
      });
      assert.equal(res.status, 202);
      const { id } = (await res.json()) as { id: string };
      await page.load(`${stack.apiUrl}/transcriptions/${id}`);
      await page.ready();
      await page.page.locator('table.transcript tbody tr').first().waitFor({ timeout: 60_000 });
      const steps = page.page.locator('ol.timeline li');
      assert.deepEqual(await steps.evaluateAll((items) => items.map((li) => li.getAttribute('data-phase'))), ['fetching_audio', 'waiting_for_slot', 'submitted', 'transcribing', 'completed']);
      assert.equal(await page.page.locator('ol.timeline li.done').count(), 5);
      page.assertClean();
    } finally {
      await new Promise((resolve) => audio.close(resolve));
    }
  });

  test('an ETL job started from the CSV form shows counts, rejections with row and column, and stored videos', { timeout: 120_000 }, async () => {
    const url = (p: string) => `${host.url}${p}`;
    const csv =
      '\uFEFF영상ID,제목,카테고리,강사,재생시간,게시일,영상URL\r\n' +
      `v1,"통계학, 1강",math,김교수,12:30,2021-03-04,${url(mediaPath('lecture-1', 100_000))}\r\n` +
      `v2,선형대수 2강,math,이교수,1시간 2분,2021.03.05,${url(mediaPath('lecture-2', 50_000))}\r\n` +
      `v3,주소 없음,math,김교수,10:00,2021-03-07,\r\n` +
      `v4,날짜 오류,math,김교수,10:00,2021-02-30,${url(mediaPath('x', 10))}\r\n` +
      `v1,중복,math,김교수,10:00,2021-03-09,${url(mediaPath('dup', 10))}\r\n` +
      `v5,없는 파일,math,김교수,10:00,2021-03-10,${url('/status/404')}\r\n`;
    await page.load(`${stack.apiUrl}/etl-jobs`);
    await page.page.getByLabel('Videos CSV').setInputFiles({ name: '강의목록.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.page.getByLabel('Job key (optional)').fill('console-videos');
    await page.page.getByRole('button', { name: 'Upload and load' }).click();
    await page.page.waitForURL(/\/etl-jobs\/etl-console-videos$/);
    await page.ready();
    await page.page.locator('.facts .status-completed').waitFor({ timeout: 90_000 });
    const rejections = await page.page.locator('table.rejections tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].slice(0, 2).map((c) => c.textContent)));
    assert.deepEqual(rejections, [['4', 'videoUrl'], ['5', 'publishedAt'], ['6', 'id']]);
    const videos = await page.page.locator('table.videos tbody tr').evaluateAll((rows) => rows.map((r) => ({ id: r.children[0].textContent, title: r.children[1].textContent, status: r.children[2].firstChild?.textContent, sha: r.querySelector('code')?.textContent ?? null })));
    const byId = Object.fromEntries(videos.map((v) => [v.id, v]));
    assert.deepEqual(Object.keys(byId).sort(), ['v1', 'v2', 'v5']);
    assert.equal(byId.v1.title, '통계학, 1강');
    assert.equal(byId.v1.sha, expectedSha256('lecture-1', 100_000));
    assert.equal(byId.v2.status, 'LOADED');
    assert.equal(byId.v5.status, 'FAILED');
    assert.match(await page.page.locator('figure.chart').innerText(), /Loaded: 2/);
    await page.screenshot('etl');
    assert.deepEqual(await page.accessibilityViolations(), []);
    page.assertClean();
  });

  test('runs: every pipeline’s jobs with progress and links, filtered by pipeline and status', { timeout: 60_000 }, async () => {
    await page.load(`${stack.apiUrl}/`);
    const rows = page.page.locator('table.runs tbody tr');
    await page.page.locator('tr[data-workflow-id="etl-console-videos"]').waitFor();
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-workflow-id')));
    assert.ok(['etl-console-videos', 'stt-console-call'].every((id) => ids.includes(id)), ids.join());
    const etlRow = page.page.locator('tr[data-workflow-id="etl-console-videos"]');
    assert.match(await etlRow.locator('.progress-text').innerText(), /^6 \/ 6 rows$/);
    assert.equal(await etlRow.getByRole('link', { name: 'etl-console-videos', exact: true }).getAttribute('href'), '/etl-jobs/etl-console-videos');
    // Other test files share the Temporal namespace: assert on what the filters keep, not on a count.
    await page.page.getByLabel('Pipeline').selectOption('stt');
    await page.page.waitForURL(/\?pipeline=stt$/);
    await page.ready();
    const sttRows = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-workflow-id'), tr.children[1].textContent]));
    assert.ok(sttRows.some(([id]) => id === 'stt-console-call'), JSON.stringify(sttRows));
    assert.ok(sttRows.every(([, pipeline]) => pipeline === 'stt'), JSON.stringify(sttRows));
    await page.page.getByLabel('Status').selectOption('FAILED');
    await page.ready();
    const failed = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('.status')?.textContent ?? tr.textContent));
    assert.ok(failed.every((status) => status === 'FAILED' || status === 'No runs yet.'), failed.join());
    await page.load(`${stack.apiUrl}/`);
    await page.screenshot('runs');
    assert.deepEqual(await page.accessibilityViolations(), []);
    // Keyboard only: the skip link, then the navigation.
    await page.page.keyboard.press('Tab');
    assert.equal(await page.page.evaluate('document.activeElement?.textContent'), 'Skip to content');
    await page.page.keyboard.press('Tab');
    await page.page.keyboard.press('Tab');
    await page.page.keyboard.press('Tab');
    assert.equal(await page.page.evaluate('document.activeElement?.textContent'), 'Climate risk');
    await page.page.keyboard.press('Enter');
    await page.page.waitForURL(/\/risk-assessments$/);
    await page.ready();
    assert.equal(await page.page.evaluate('document.activeElement?.tagName'), 'H1');
    page.assertClean();
  });
});

describe('console: an API with keys asks for one and keeps it in the tab', () => {
  test('401 opens the key dialog; a wrong key is refused, a right one is used; a new tab asks again', { timeout: 60_000 }, async () => {
    const [stack, browser] = await Promise.all([startTestStack({ config: testConfig({ API_KEYS: 'console-secret' }), queues: false }), launchBrowser()]);
    const page = await WatchedPage.open(browser);
    try {
      page.allow(401, /\/api\/runs\?/);
      await page.page.goto(`${stack.apiUrl}/`);
      const dialog = page.page.getByRole('dialog', { name: 'API key required' });
      await dialog.waitFor();
      await dialog.getByLabel('API key').fill('wrong');
      await dialog.getByRole('button', { name: 'Use this key' }).click();
      await dialog.getByText('That key was not accepted').waitFor();
      await dialog.getByLabel('API key').fill('console-secret');
      await dialog.getByRole('button', { name: 'Use this key' }).click();
      await page.ready();
      assert.equal(await page.page.evaluate(`sessionStorage.getItem('durable-pipelines.apiKey')`), 'console-secret');
      assert.equal(await page.page.locator('#forget-key').isVisible(), true);
      page.assertClean();
      const other = await WatchedPage.open(browser);
      other.allow(401, /\/api\/runs\?/);
      await other.page.goto(`${stack.apiUrl}/`);
      await other.page.getByRole('dialog', { name: 'API key required' }).waitFor();
      await other.close();
    } finally {
      await page.close();
      await browser.close();
      await stack.stop();
    }
  });
});
