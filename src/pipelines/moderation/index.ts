import path from 'node:path';
import { createModerationActivities } from '../../activities/moderation';
import { classifyModerationFailure } from '../../activities/moderation/failures';
import { moderationListedRuns } from '../../api/moderation/listed-runs';
import { moderationRoutes } from '../../api/moderation/routes';
import { ensureStartingModel } from '../../infra/moderation/model-store';
import { definePipeline } from '../definition';
import { ensureRetrainSchedule } from './retrain-schedule';
import { moderationSettings } from './settings';

/** Blog posts, course reviews and subtitle suggestions: profanity rules and a spam model, retrained from reviewers' feedback. */
export const moderationPipeline = definePipeline({
  name: 'moderation',
  title: 'Content moderation',
  settings: moderationSettings,
  workflowsModule: path.join(__dirname, '..', '..', 'workflows', 'moderation'),
  workflowTypes: ['moderationBatchWorkflow', 'moderationRetrainWorkflow'],
  activities: (deps, settings) => ({ activities: createModerationActivities(deps, settings) }),
  classifyFailure: classifyModerationFailure,
  routes: moderationRoutes,
  listedRuns: (deps) => moderationListedRuns(deps),
  // The first model is trained from the shipped seed set; later starts cost one query.
  async prepareDatabase(pool, settings, log) {
    await ensureStartingModel(pool, { holdoutPercent: settings.retrain.holdoutPercent, threshold: settings.thresholds.review }, log);
  },
  async ensureSchedules(client, settings, logger) {
    await ensureRetrainSchedule(client, settings);
    logger.info({ scheduleId: settings.retrain.scheduleId }, 'moderation retrain schedule ensured');
  },
});
