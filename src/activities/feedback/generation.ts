import type { ActivityDeps } from '../shared/deps';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';

// Skeleton: replaced by the feedback-generation activities.
export function createGenerationActivities(_deps: ActivityDeps, _settings: FeedbackSettings) {
  return {};
}
