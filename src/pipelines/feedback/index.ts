import path from 'node:path';
import { hostFeedbackActivities } from '../../activities/feedback';
import { classifyFeedbackFailure } from '../../activities/feedback/failures';
import { feedbackRoutes } from '../../api/feedback/routes';
import { definePipeline } from '../definition';
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
  // A feedback job's phase (DpStatusDetail) is its progress.
  listedRuns: () => ({ feedbackJobWorkflow: { jobPath: (run) => `/api/feedback-jobs/${run.workflowId}` } }),
});
