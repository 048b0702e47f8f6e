import path from 'node:path';
import { hostFeedbackActivities } from '../../activities/feedback';
import { classifyFeedbackFailure } from '../../activities/feedback/failures';
import { feedbackRoutes } from '../../api/feedback/routes';
import { definePipeline } from '../definition';
import { ensureCrawlSchedule, runFirstCrawl } from './crawl-schedule';
import { feedbackSettings } from './settings';

/** Feedback on users' eco-challenge submissions from an OpenAI-compatible model, and the crawler that builds the challenges it judges against. */
export const feedbackPipeline = definePipeline({
  name: 'feedback',
  title: 'LLM feedback and challenge crawler',
  settings: feedbackSettings,
  workflowsModule: path.join(__dirname, '..', '..', 'workflows', 'feedback'),
  workflowTypes: ['feedbackJobWorkflow', 'challengeCrawlWorkflow'],
  activities: hostFeedbackActivities,
  classifyFailure: classifyFeedbackFailure,
  routes: feedbackRoutes,
  async ensureSchedules(client, settings, logger, pool) {
    await ensureCrawlSchedule(client, settings);
    logger.info({ scheduleId: settings.crawler.scheduleId }, 'challenge crawl schedule ensured');
    const first = await runFirstCrawl(client, pool, settings);
    if (first) logger.info({ crawlId: first.workflowId }, first.started ? 'first start: challenge crawl started' : 'first start: a challenge crawl is already running');
  },
  // A feedback job's phase (DpStatusDetail) is its progress; a crawl is shown by its workflow id.
  listedRuns: () => ({
    feedbackJobWorkflow: { jobPath: (run) => `/api/feedback-jobs/${run.workflowId}` },
    challengeCrawlWorkflow: { jobPath: (run) => `/api/crawls/${encodeURIComponent(run.workflowId)}` },
  }),
});
