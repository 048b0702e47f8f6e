import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { startSampleChallengeSite, type SampleChallengeSite } from '../../../devtools/sample-challenge-site';
import { createLogger } from '../../../src/infra/logger';
import { feedbackPipeline } from '../../../src/pipelines/feedback';
import { api, crawlEnv, startCrawlStack, waitForCrawl } from '../../support/crawl';
import { waitUntil, type TestStack } from '../../support/stack';

describe('the crawl at first start', () => {
  let site: SampleChallengeSite;
  let stack: TestStack;
  const workerStart = () => feedbackPipeline.ensureSchedules!(stack.temporal, stack.config.pipelines.feedback, createLogger('silent', 'test'), stack.pool);
  const crawlIds = async () => (await stack.pool.query<{ crawl_id: string }>(`SELECT crawl_id FROM crawl_runs ORDER BY started_at`)).rows.map((r) => r.crawl_id);

  before(async () => {
    site = await startSampleChallengeSite({ slowMs: 2_000, idPrefix: 'first-' });
    // A database of its own: "no crawl ever ran" must be true at the start, whatever other files did.
    stack = await startCrawlStack(crawlEnv([`${site.url}/`]), { scratch: true, schedule: false });
  });

  after(async () => {
    await stack?.stop();
    await site?.stop();
  });

  test('two workers starting at once crawl once; a later start crawls nothing', { timeout: 180_000 }, async () => {
    await Promise.all([workerStart(), workerStart()]);
    const [crawlId] = await waitUntil('the first crawl to be recorded', async () => {
      const ids = await crawlIds();
      return ids.length > 0 && ids;
    });
    const crawl = await waitForCrawl(stack, crawlId);
    assert.ok(crawl.counts.documentsWritten >= 4, JSON.stringify(crawl.counts));
    assert.equal((await api(stack, 'GET', '/api/challenges/first-bike-to-work')).status, 200);

    await workerStart();
    assert.deepEqual(await crawlIds(), [crawlId], 'one crawl, and none after a crawl was recorded');
    const { body } = await api(stack, 'GET', '/api/crawls');
    assert.deepEqual(body.crawls.map((c: any) => [c.id, c.trigger]), [[crawlId, 'first_start']]);
  });

  test('the worker keeps the crawl schedule: the configured cron, overlaps skipped, seeds in its input', async () => {
    const settings = stack.config.pipelines.feedback.crawler;
    const described = await stack.temporal.schedule.getHandle(settings.scheduleId).describe();
    // CRAWLER_SCHEDULE_CRON's default, 0 3 * * *, as Temporal stores a cron line: a calendar.
    assert.deepEqual(described.spec.calendars?.map((c) => [c.hour, c.minute]), [[[{ start: 3, end: 3, step: 1 }], [{ start: 0, end: 0, step: 1 }]]]);
    assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
    assert.equal(described.action.type === 'startWorkflow' && described.action.workflowType, 'challengeCrawlWorkflow');
    const args = described.action.type === 'startWorkflow' ? (described.action.args as any[]) : [];
    assert.deepEqual(args[0].tuning.seedUrls, [`${site.url}/`]);
  });
});
