import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import type { ActivityDeps } from '../shared/deps';
import { createCrawlActivities } from './crawl';
import { createGenerationActivities } from './generation';

/** Feedback generation (model calls, validation, storage) and the crawl (robots, fetch, extract). */
export function createFeedbackActivities(deps: ActivityDeps, settings: FeedbackSettings) {
  return { ...createGenerationActivities(deps, settings), ...createCrawlActivities(deps, settings) };
}

export type FeedbackActivities = ReturnType<typeof createFeedbackActivities>;
