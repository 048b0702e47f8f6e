import type { ActivityDeps } from '../shared/deps';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';

// Skeleton: replaced by the crawl activities.
export function createCrawlActivities(_deps: ActivityDeps, _settings: FeedbackSettings) {
  return {};
}
