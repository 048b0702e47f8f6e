import { ApplicationFailure } from '@temporalio/common';
import type { WorkerInterceptors } from '@temporalio/worker';
import { isGroup } from '../support/fault-injection';
import { firstGridPoints, startGridBatch } from '../support/grid-batch';
import { getAssessment, postAssessment, site, waitForAssessment } from '../support/risk';
import { startSampleChallengeSite } from '../../devtools/sample-challenge-site';
import { mediaPath, startSampleVideoHost, type SampleVideoHost } from '../../devtools/sample-video-host';
import { postCsv, waitForJob } from '../support/etl';
import { crawlEnv } from '../support/crawl';
import { postItems, waitForBatch } from '../support/moderation';
import { startFakeSttVendor, upload, wav, waitForTranscription, type FakeVendor } from '../support/stt';
import { insertChallenge, postFeedbackJob, startFakeModelServer, waitForFeedbackJob, type FakeModelServer } from '../support/feedback';
import { testConfig, waitUntil, type TestStack, type TestStackOptions } from '../support/stack';

/**
 * A real run whose history is worth keeping: returns [file name, workflow id] pairs to record, or
 * [file name, workflow id, run id] for a run other than the latest of a chain that continued as new.
 */
export interface HistoryScenario {
  name: string;
  stack?: TestStackOptions;
  /** Settings for the run's config (merged with what a vendor or video host needs). */
  env?: Record<string, string>;
  /** For scenarios that need a fake vendor: started before the stack, its settings merged into the config. */
  vendor?: Parameters<typeof startFakeSttVendor>[0];
  /** For scenarios that need the sample video host (allowlisted for fetching). */
  videoHost?: Parameters<typeof startSampleVideoHost>[0];
  /** For scenarios that need the fake model server: started before the stack, LLM_BASE_URL pointed at it. */
  modelServer?: Parameters<typeof startFakeModelServer>[0];
  run(stack: TestStack, tools: { vendor?: FakeVendor; videoHost?: SampleVideoHost; modelServer?: FakeModelServer }): Promise<Array<[string, string] | [string, string, string]>>;
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

/** The first run of a chain that continued as new (the recorder otherwise takes the latest). */
async function firstRunId(stack: TestStack, workflowId: string): Promise<string> {
  const { raw } = await stack.temporal.workflow.getHandle(workflowId).describe();
  return raw.workflowExecutionInfo!.firstRunId!;
}

export const HISTORY_SCENARIOS: HistoryScenario[] = [
  {
    // One job through every branch of the happy path: a 503 with Retry-After (rate_limited, a
    // workflow timer), an invalid answer, the repair call, the stored result.
    name: 'feedback-job',
    modelServer: { tokenLatencyMs: 1, unavailableNext: 1, retryAfterSeconds: 3, invalidJsonNext: 1 },
    async run(stack) {
      await insertChallenge(stack.pool, 'replay-challenge');
      const { body } = await postFeedbackJob(stack, { challengeId: 'replay-challenge', submission: { text: 'I composted kitchen scraps all month.' } }, `replay-feedback-${Date.now()}`);
      await waitForFeedbackJob(stack, body.id, 'COMPLETED');
      return [['feedback-job-repaired-after-rate-limit', body.id]];
    },
  },
  {
    name: 'system-check',
    async run(stack) {
      const workflowId = `check-replay-${Date.now()}`;
      await stack.temporal.workflow.execute('systemCheckWorkflow', { workflowId, taskQueue: stack.config.pipelines.risk.queue.taskQueue, args: [workflowId] });
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
    // Bookkeeping steps as local activities (markers in the history, not scheduled activities).
    name: 'risk-local-bookkeeping',
    async run(stack) {
      const { body } = await postAssessment(stack, { sites: [site('local')] }, `replay-local-${Date.now()}`);
      await waitForAssessment(stack, body.id, 'COMPLETED');
      return [
        ['risk-assessment-local-bookkeeping', body.id],
        ['risk-site-local-bookkeeping', `${body.id}-site-local`],
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
    // Small children and runs, so the history holds the fan-out and a continue-as-new.
    name: 'risk-grid-batch',
    async run(stack) {
      const grid = await firstGridPoints(stack, 8, 100);
      const batch = await startGridBatch(stack, `grid-batch-replay-${Date.now()}`, grid, { pointsPerChild: 4, pointsPerActivity: 2, childrenPerRun: 1 });
      await batch.result();
      return [
        ['risk-grid-batch', batch.workflowId],
        ['risk-grid-chunk', `${batch.workflowId}-points-${grid.ids[4]}-${grid.ids[7]}`],
      ];
    },
  },
  {
    // The shared fan-out: two sites at a time and three per run, so five sites take two runs
    // joined by continue-as-new, the second one paging to the end.
    name: 'risk-fan-out',
    env: { RISK_MAX_SITES_IN_FLIGHT: '2', RISK_SITES_PER_RUN: '3' },
    async run(stack) {
      const sites = Array.from({ length: 5 }, (_, i) => site(`f${i}`, i));
      const { body } = await postAssessment(stack, { sites, scenarios: ['SSP245'], years: { from: 2030, to: 2039 } }, `replay-fan-out-${Date.now()}`);
      await waitForAssessment(stack, body.id, 'COMPLETED');
      return [
        ['risk-assessment-continued-as-new', body.id, await firstRunId(stack, body.id)],
        ['risk-assessment-fan-out', body.id],
      ];
    },
  },
  {
    // The shared fan-out over grid chunks: four chunks, two at a time, three per run. The first
    // run plans the batch, starts three children and continues as new; the last starts one.
    name: 'risk-grid-batch-fan-out',
    async run(stack) {
      const grid = await firstGridPoints(stack, 16, 200);
      const batch = await startGridBatch(stack, `grid-batch-fan-out-replay-${Date.now()}`, grid, { pointsPerChild: 4, pointsPerActivity: 4, maxChildrenInFlight: 2, childrenPerRun: 3 });
      await batch.result();
      return [
        ['risk-grid-batch-fan-out', batch.workflowId, await firstRunId(stack, batch.workflowId)],
        ['risk-grid-batch-fan-out-last-run', batch.workflowId],
      ];
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
    // Slot waits on their own task queue (the histories above predate it and must keep replaying).
    name: 'stt-slot-queue',
    vendor: { processingMs: 500 },
    async run(stack) {
      const { body } = await upload(stack, { bytes: wav(4), name: 'replay-slots.wav' }, { key: `replay-slots-${Date.now()}` });
      await waitForTranscription(stack, body.id, 'COMPLETED');
      return [['stt-completed-slot-queue', body.id]];
    },
  },
  {
    name: 'stt-rate-limited',
    vendor: { processingMs: 500, random429Rate: 1, retryAfterSeconds: 1 },
    async run(stack, { vendor }) {
      const { body } = await upload(stack, { bytes: wav(2), name: 'replay-429.wav' }, { key: `replay-429-${Date.now()}` });
      await waitUntil('a 429', async () => vendor!.admin.stats().responses429.total >= 2);
      vendor!.admin.configure({ random429Rate: 0 });
      await waitForTranscription(stack, body.id, 'COMPLETED');
      return [['stt-rate-limited', body.id]];
    },
  },
  {
    // A synchronous vendor (STT_PROVIDER=openai): the submit brings the transcript and nothing is
    // polled, since the stt-synchronous-vendor-skips-polling marker. The histories above predate it.
    name: 'stt-openai',
    vendor: { processingMs: 500 },
    env: { STT_PROVIDER: 'openai' },
    async run(stack, { vendor }) {
      const plain = await upload(stack, { bytes: wav(5), name: 'replay-openai.wav' }, { key: `replay-openai-${Date.now()}` });
      await waitForTranscription(stack, plain.body.id, 'COMPLETED');
      vendor!.admin.configure({ random429Rate: 1, retryAfterSeconds: 1 });
      const limited = await upload(stack, { bytes: wav(6), name: 'replay-openai-429.wav' }, { key: `replay-openai-429-${Date.now()}` });
      await waitUntil('a 429', async () => vendor!.admin.stats().responses429.total >= 2);
      vendor!.admin.configure({ random429Rate: 0 });
      await waitForTranscription(stack, limited.body.id, 'COMPLETED');
      return [
        ['stt-openai-completed', plain.body.id],
        ['stt-openai-rate-limited', limited.body.id],
      ];
    },
  },
  {
    // `{audioUrl}` fetched by the workflow (phase fetching_audio), since the
    // stt-fetch-audio-url-in-workflow marker; the API fetched it inside the request before.
    name: 'stt-audio-url',
    vendor: { processingMs: 500 },
    videoHost: {},
    async run(stack, { videoHost }) {
      const res = await fetch(`${stack.apiUrl}/api/transcriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `replay-url-${Date.now()}` },
        body: JSON.stringify({ audioUrl: `${videoHost!.url}${mediaPath('replay-audio', 20_000)}` }),
      });
      const body = (await res.json()) as { id: string };
      await waitForTranscription(stack, body.id, 'COMPLETED');
      return [['stt-audio-url', body.id]];
    },
  },
  {
    // Three jobs teach the vendor's timing; the fourth waits that long before its first poll, since
    // the stt-first-poll-at-expected-time marker. The histories above polled from the start.
    name: 'stt-first-poll-timed',
    vendor: { processingMs: 2_000 },
    async run(stack) {
      const audio = (seed: number) => ({ bytes: wav(seed, 8_000), name: `replay-timed-${seed}.wav` });
      const stamp = Date.now();
      const learning = await Promise.all([7, 8, 9].map((seed) => upload(stack, audio(seed), { key: `replay-timing-${seed}-${stamp}` })));
      await Promise.all(learning.map(({ body }) => waitForTranscription(stack, body.id, 'COMPLETED')));
      const { body } = await upload(stack, audio(10), { key: `replay-timed-${stamp}` });
      await waitForTranscription(stack, body.id, 'COMPLETED');
      return [['stt-first-poll-timed', body.id]];
    },
  },
  {
    // Since the stt-submit-waits-for-slot and stt-polls-wait-inside-activity markers, one activity
    // waits for a slot and submits, and polls wait inside one activity call; the histories above
    // took the slot in an activity of its own and slept on a workflow timer before each poll.
    name: 'stt-polls-in-activity',
    vendor: { processingMs: 1_500 },
    async run(stack) {
      const { body } = await upload(stack, { bytes: wav(11), name: 'replay-polls-in-activity.wav' }, { key: `replay-polls-in-activity-${Date.now()}` });
      await waitForTranscription(stack, body.id, 'COMPLETED');
      return [['stt-polls-in-activity', body.id]];
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
  {
    name: 'etl-job',
    videoHost: {},
    async run(stack, { videoHost }) {
      const host = videoHost!.url;
      const playlist = `${host}/playlists/p.asx?target=${encodeURIComponent(mediaPath('p', 2000))}`;
      const csv = `id,title,video_url\na,A,${host}${mediaPath('a', 1000)}\nb,B,${playlist}\nc,C,${host}/status/404\n`;
      const { body } = await postCsv(stack, csv, `replay-etl-${Date.now()}`);
      await waitForJob(stack, body.id, 'COMPLETED');
      return [
        ['etl-job', body.id],
        ['etl-chunk', `${body.id}-chunk-0`],
      ];
    },
  },
  {
    name: 'etl-resumed-transfer',
    videoHost: { resetByName: { r: { afterBytes: 300_000, times: 1 } } },
    async run(stack, { videoHost }) {
      const { body } = await postCsv(stack, `id,title,video_url\nr,R,${videoHost!.url}${mediaPath('r', 1_000_000)}\n`, `replay-resume-${Date.now()}`);
      await waitForJob(stack, body.id, 'COMPLETED');
      return [['etl-chunk-resumed-transfer', `${body.id}-chunk-0`]];
    },
  },
  {
    // Chunks since the etl-pipelined-chunk marker: batched probes (one URL retried on its own after
    // a 500, one 404), queued transfers and batched loads. The histories above predate it.
    name: 'etl-pipelined',
    videoHost: {},
    async run(stack, { videoHost }) {
      const host = videoHost!.url;
      const playlist = `${host}/playlists/p.asx?variant=multi&target=${encodeURIComponent(mediaPath('p', 2000))}`;
      const rows = [`a,A,${host}${mediaPath('a', 1000)}`, `b,B,${playlist}`, `c,C,${host}/status/404`, `d,D,${host}/flaky/d.mp4?size=3000&fail=1`, `e,E,${host}${mediaPath('e', 300_000)}`];
      const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `replay-etl-pipelined-${Date.now()}`);
      await waitForJob(stack, body.id, 'COMPLETED');
      return [
        ['etl-job-pipelined', body.id],
        ['etl-chunk-pipelined', `${body.id}-chunk-0`],
      ];
    },
  },
  {
    name: 'etl-pipelined-cancelled',
    videoHost: { bandwidthBytesPerSecond: 200_000 },
    async run(stack, { videoHost }) {
      const rows = [`quick,Quick,${videoHost!.url}${mediaPath('quick', 1000)}`, `slow,Slow,${videoHost!.url}${mediaPath('slow', 5_000_000)}`];
      const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `replay-etl-pipelined-cancel-${Date.now()}`);
      await waitUntil('the transfer to start', async () => (videoHost!.admin.stats().bytesServed.byName.slow ?? 0) > 100_000);
      await fetch(`${stack.apiUrl}/api/etl-jobs/${body.id}/cancel`, { method: 'POST' });
      await waitForJob(stack, body.id, 'CANCELED', 60_000);
      return [['etl-chunk-pipelined-cancelled', `${body.id}-chunk-0`]];
    },
  },
  {
    // Chunks since the etl-batched-transfers marker: three small videos in one transfer activity,
    // the one whose download broke there transferred again on its own, and a large one alone.
    name: 'etl-batched-transfers',
    videoHost: { resetByName: { 'batch-2': { afterBytes: 20_000, times: 1 } } },
    async run(stack, { videoHost }) {
      const host = videoHost!.url;
      const rows = ['batch-1', 'batch-2', 'batch-3'].map((n) => `${n},${n},${host}${mediaPath(n, 50_000)}`);
      rows.push(`large,Large,${host}${mediaPath('large', 33 * 1024 * 1024)}`);
      const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `replay-etl-batched-${Date.now()}`);
      await waitForJob(stack, body.id, 'COMPLETED', 120_000);
      return [['etl-chunk-batched-transfers', `${body.id}-chunk-0`]];
    },
  },
  {
    // The shared fan-out over chunks: five videos in chunks of two, two chunks at a time.
    name: 'etl-fan-out',
    videoHost: {},
    env: { ETL_CHUNK_SIZE: '2', ETL_CHUNKS_IN_FLIGHT: '2' },
    async run(stack, { videoHost }) {
      const rows = ['a', 'b', 'c', 'd', 'e'].map((id, i) => `${id},${id.toUpperCase()},${videoHost!.url}${mediaPath(id, 1000 * (i + 1))}`);
      const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `replay-etl-fan-out-${Date.now()}`);
      await waitForJob(stack, body.id, 'COMPLETED');
      return [['etl-job-fan-out', body.id]];
    },
  },
  {
    // Five items in pages of two, two pages at a time and two per run: a fan-out that continues
    // as new once; then a retraining from the seed labels (an equal model, so it is promoted).
    name: 'moderation',
    env: { MODERATION_ITEMS_PER_ACTIVITY: '2', MODERATION_ACTIVITIES_IN_FLIGHT: '2', MODERATION_ACTIVITIES_PER_RUN: '2' },
    async run(stack) {
      const items = ['설명이 친절해요', '강사 ㅅㅣ발', 'Act now! crypto signals, telegram @win123', "03:12 '파이선' → '파이썬'", 'Great examples'].map((text, i) => ({ id: `replay-${i}`, kind: 'review' as const, text }));
      const { body } = await postItems(stack, items, `replay-moderation-${Date.now()}`);
      await waitForBatch(stack, body.id);
      const retrainId = `moderation-retrain-replay-${Date.now()}`;
      await stack.temporal.workflow.execute('moderationRetrainWorkflow', {
        workflowId: retrainId,
        taskQueue: stack.config.pipelines.moderation.queue.taskQueue,
        args: [{ trigger: 'direct', tuning: stack.config.pipelines.moderation.retrain }],
      });
      return [
        ['moderation-batch-continued-as-new', body.id, await firstRunId(stack, body.id)],
        ['moderation-batch', body.id],
        ['moderation-retrain', retrainId],
      ];
    },
  },
  {
    name: 'etl-cancelled',
    videoHost: { bandwidthBytesPerSecond: 200_000 },
    async run(stack, { videoHost }) {
      const { body } = await postCsv(stack, `id,title,video_url\nslow,Slow,${videoHost!.url}${mediaPath('slow', 5_000_000)}\n`, `replay-etl-cancel-${Date.now()}`);
      await waitUntil('the transfer to start', async () => (videoHost!.admin.stats().bytesServed.byName.slow ?? 0) > 100_000);
      await fetch(`${stack.apiUrl}/api/etl-jobs/${body.id}/cancel`, { method: 'POST' });
      await waitForJob(stack, body.id, 'CANCELED');
      return [['etl-job-cancelled', body.id]];
    },
  },
  {
    // The sample challenge site's every kind of page (robots Disallow, a redirect chain, slow,
    // 500, reset, a refused redirect target), six pages per run: a crawl that continues as new.
    name: 'challenge-crawl',
    env: crawlEnv([], { CRAWLER_PAGES_PER_RUN: '6' }),
    async run(stack) {
      const site = await startSampleChallengeSite({ slowMs: 4_000, idPrefix: 'replay-' });
      try {
        const workflowId = `crawl-replay-${Date.now()}`;
        const tuning = { ...stack.config.pipelines.feedback.crawler.tuning, seedUrls: [`${site.url}/`] };
        await stack.temporal.workflow.execute('challengeCrawlWorkflow', { workflowId, taskQueue: stack.config.pipelines.feedback.queue.taskQueue, args: [{ tuning }] });
        return [
          ['challenge-crawl-continued-as-new', workflowId, await firstRunId(stack, workflowId)],
          ['challenge-crawl', workflowId],
        ];
      } finally {
        await site.stop();
      }
    },
  },
];
