import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import type { ActivityDeps, HostedActivities } from '../shared/deps';
import { createCrawlActivities } from './crawl';
import { createGenerationActivities, openModelConnections, type ModelConnections } from './generation';

/** Feedback generation (model calls, validation, storage) and the crawl (robots, fetch, extract). */
export function createFeedbackActivities(deps: ActivityDeps, settings: FeedbackSettings, model: ModelConnections = openModelConnections(deps, settings)) {
  return { ...createGenerationActivities(deps, settings, model), ...createCrawlActivities(deps, settings) };
}

/** The feedback worker's activities with the model connections they share, closed at shutdown. */
export function hostFeedbackActivities(deps: ActivityDeps, settings: FeedbackSettings): HostedActivities {
  const model = openModelConnections(deps, settings);
  return { activities: createFeedbackActivities(deps, settings, model), close: model.close };
}

export type FeedbackActivities = ReturnType<typeof createFeedbackActivities>;
