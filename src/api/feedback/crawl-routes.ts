import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import type { ApiDeps } from '../shared/deps';
import type { RouteSpec } from '../shared/route';

// Skeleton: replaced by /api/crawls and /api/challenges.
export function crawlRoutes(_deps: ApiDeps, _settings: FeedbackSettings): RouteSpec[] {
  return [];
}
