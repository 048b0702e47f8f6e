import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import type { ApiDeps } from '../shared/deps';
import type { RouteSpec } from '../shared/route';
import { crawlRoutes } from './crawl-routes';
import { feedbackJobRoutes } from './job-routes';

/** Feedback jobs (accept, view, cancel, live token stream), then crawls and the challenge documents they build. */
export function feedbackRoutes(deps: ApiDeps, settings: FeedbackSettings): RouteSpec[] {
  return [...feedbackJobRoutes(deps, settings), ...crawlRoutes(deps, settings)];
}
