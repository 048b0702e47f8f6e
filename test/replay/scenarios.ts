import { ApplicationFailure } from '@temporalio/common';
import type { WorkerInterceptors } from '@temporalio/worker';
import { isGroup } from '../support/fault-injection';
import { getAssessment, postAssessment, site, waitForAssessment } from '../support/risk';
import { startFakeSttVendor, upload, wav, waitForTranscription, type FakeVendor } from '../support/stt';
import { testConfig, waitUntil, type TestStack, type TestStackOptions } from '../support/stack';

/** A real run whose history is worth keeping: returns [file name, workflow id] pairs to record. */
export interface HistoryScenario {
  name: string;
  stack?: TestStackOptions;
  /** For scenarios that need a fake vendor: started before the stack, its settings merged into the config. */
  vendor?: Parameters<typeof startFakeSttVendor>[0];
  run(stack: TestStack, vendor?: FakeVendor): Promise<Array<[string, string]>>;
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
  {
    name: 'stt-completed',
    vendor: { processingMs: 500 },
    async run(stack) {
      const { body } = await upload(stack, { bytes: wav(1), name: 'replay.wav' }, { key: `replay-${Date.now()}` });
      await waitForTranscription(stack, body.id, 'COMPLETED');
      return [['stt-completed', body.id]];
    },
  },
  {
    name: 'stt-rate-limited',
    vendor: { processingMs: 500, random429Rate: 1, retryAfterSeconds: 1 },
    async run(stack, vendor) {
      const { body } = await upload(stack, { bytes: wav(2), name: 'replay-429.wav' }, { key: `replay-429-${Date.now()}` });
      await waitUntil('a 429', async () => vendor!.admin.stats().responses429.total >= 2);
      vendor!.admin.configure({ random429Rate: 0 });
      await waitForTranscription(stack, body.id, 'COMPLETED');
      return [['stt-rate-limited', body.id]];
    },
  },
  {
    name: 'stt-cancelled',
    vendor: { processingMs: 60_000 },
    async run(stack) {
      const { body } = await upload(stack, { bytes: wav(3), name: 'replay-cancel.wav' }, { key: `replay-cancel-${Date.now()}` });
      await waitForTranscription(stack, body.id, 'RUNNING');
      await waitUntil('polling', async () => (await stack.pool.query(`SELECT vendor_job_id FROM stt_jobs WHERE id = $1`, [body.id])).rows[0].vendor_job_id);
      await fetch(`${stack.apiUrl}/api/transcriptions/${body.id}/cancel`, { method: 'POST' });
      await waitForTranscription(stack, body.id, 'CANCELED');
      return [['stt-cancelled', body.id]];
    },
  },
];
