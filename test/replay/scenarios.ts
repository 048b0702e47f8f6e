import { ApplicationFailure } from '@temporalio/common';
import type { WorkerInterceptors } from '@temporalio/worker';
import { isGroup } from '../support/fault-injection';
import { getAssessment, postAssessment, site, waitForAssessment } from '../support/risk';
import { testConfig, waitUntil, type TestStack, type TestStackOptions } from '../support/stack';

/** A real run whose history is worth keeping: returns [file name, workflow id] pairs to record. */
export interface HistoryScenario {
  name: string;
  stack?: TestStackOptions;
  run(stack: TestStack): Promise<Array<[string, string]>>;
}

/** Fails the first attempt of one cell group with a retryable error, so the history holds a retry. */
const failFirstAttempt: WorkerInterceptors = {
  activity: [
    (ctx) => ({
      inbound: {
        async execute(input, next) {
          if (ctx.info.attempt === 1 && isGroup('SSP245', 2051)(ctx.info.activityType, input.args as unknown[])) {
            throw ApplicationFailure.retryable('connection reset by peer (recorded fault)', 'RecordedFault');
          }
          return next(input);
        },
      },
    }),
  ],
};

export const HISTORY_SCENARIOS: HistoryScenario[] = [
  {
    name: 'system-check',
    async run(stack) {
      const workflowId = `check-replay-${Date.now()}`;
      await stack.temporal.workflow.execute('systemCheckWorkflow', { workflowId, taskQueue: stack.config.queues.risk.taskQueue, args: [workflowId] });
      return [['system-check', workflowId]];
    },
  },
  {
    name: 'risk-one-site',
    async run(stack) {
      const { body } = await postAssessment(stack, { sites: [site('replay')] }, `replay-${Date.now()}`);
      await waitForAssessment(stack, body.id, 'COMPLETED');
      return [
        ['risk-assessment', body.id],
        ['risk-site', `${body.id}-site-replay`],
      ];
    },
  },
  {
    name: 'risk-retried-activity',
    stack: { interceptors: failFirstAttempt },
    async run(stack) {
      const { body } = await postAssessment(stack, { sites: [site('retried', 1)] }, `replay-retry-${Date.now()}`);
      await waitForAssessment(stack, body.id, 'COMPLETED');
      return [['risk-site-retried-activity', `${body.id}-site-retried`]];
    },
  },
  {
    name: 'risk-cancelled',
    stack: { config: testConfig({ RISK_MAX_SITES_IN_FLIGHT: '1' }) },
    async run(stack) {
      const sites = Array.from({ length: 6 }, (_, i) => site(`x${i}`, i));
      const { body } = await postAssessment(stack, { sites }, `replay-cancel-${Date.now()}`);
      await waitUntil('a site to finish', async () => (await getAssessment(stack, body.id)).progress.sitesDone >= 1, 60_000);
      await fetch(`${stack.apiUrl}/api/risk-assessments/${body.id}/cancel`, { method: 'POST' });
      await waitForAssessment(stack, body.id, 'CANCELED');
      const sitesView = (await getAssessment(stack, body.id)).sites as Array<{ siteId: string; status: string }>;
      const cancelledSite = sitesView.find((s) => s.status === 'CANCELED' && s.siteId !== 'x0');
      const cancelledChild: Array<[string, string]> = cancelledSite ? [['risk-site-cancelled', `${body.id}-site-${cancelledSite.siteId}`]] : [];
      return [['risk-assessment-cancelled', body.id], ...cancelledChild];
    },
  },
];

